package config_test

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"wsms/platform/config"
)

type settings struct {
	DatabaseURL string        `conf:"database-url" env:"DATABASE_URL" secret:"url" help:"PostgreSQL"`
	Token       string        `conf:"token" secret:"true" help:"signing key"`
	Replicas    int           `conf:"replicas" default:"1" help:"stream replicas"`
	Wait        time.Duration `conf:"wait" default:"2s" help:"read-your-writes wait"`
	Verbose     bool          `conf:"verbose" help:"log more"`
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func load(t *testing.T, args []string, vars map[string]string) (settings, error) {
	t.Helper()
	var s settings
	fs := flag.NewFlagSet("wsms", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	err := config.Load(fs, args, env(vars), &s)
	return s, err
}

func TestDefaultsThenEnvironmentThenFlags(t *testing.T) {
	s, err := load(t, nil, nil)
	if err != nil || s.Replicas != 1 || s.Wait != 2*time.Second || s.Verbose {
		t.Fatalf("defaults: %+v, %v", s, err)
	}
	s, err = load(t, nil, map[string]string{"WSMS_REPLICAS": "3", "DATABASE_URL": "postgres://u:pw@db/x"})
	if err != nil || s.Replicas != 3 || s.DatabaseURL != "postgres://u:pw@db/x" {
		t.Fatalf("environment: %+v, %v", s, err)
	}
	s, err = load(t, []string{"-replicas", "5", "-verbose", "-wait", "150ms"}, map[string]string{"WSMS_REPLICAS": "3"})
	if err != nil || s.Replicas != 5 || !s.Verbose || s.Wait != 150*time.Millisecond {
		t.Fatalf("flags: %+v, %v", s, err)
	}
}

func TestBadValuesNameTheSettingAndSource(t *testing.T) {
	_, err := load(t, nil, map[string]string{"WSMS_REPLICAS": "three"})
	if err == nil || !strings.Contains(err.Error(), "replicas (from WSMS_REPLICAS)") || !strings.Contains(err.Error(), "not a whole number") {
		t.Fatalf("err = %v", err)
	}
	if _, err := load(t, []string{"-wait", "soon"}, nil); err == nil || !strings.Contains(err.Error(), "not a duration") {
		t.Fatalf("err = %v", err)
	}
}

func TestHelp(t *testing.T) {
	if _, err := load(t, []string{"--help"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
}

func TestDescribeMasksSecrets(t *testing.T) {
	got := config.Describe(settings{DatabaseURL: "postgres://wsms:hunter2@db:5432/wsms", Token: "k3y", Replicas: 3})
	if strings.Contains(got, "hunter2") || strings.Contains(got, "k3y") {
		t.Fatalf("secrets shown:\n%s", got)
	}
	for _, want := range []string{"database-url=postgres://wsms:xxxxx@db:5432/wsms", "token=****", "replicas=3"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}
