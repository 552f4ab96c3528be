package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"wsms/events"
	"wsms/gateway/auth"
)

// environment is a process environment of its own for one test.
func environment(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestTokenMintsWhatTheGatewayVerifies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		vars map[string]string
		key  string
	}{
		{"with the built-in development key", nil, auth.DevelopmentKey},
		{"with WSMS_DEV_SIGNING_KEY", map[string]string{"WSMS_DEV_SIGNING_KEY": "a-key-of-our-own-for-this-test"}, "a-key-of-our-own-for-this-test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When wsms token is run for a mentor
			var out bytes.Buffer
			err := writeToken([]string{"--role", "mentor", "--subject", "mentor-7", "--school", "sch-1", "--ttl", "1h"},
				environment(tc.vars), &out, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			// Then it prints one token, which a gateway with the same key verifies
			token := strings.TrimSuffix(out.String(), "\n")
			if token == "" || strings.ContainsAny(token, " \n") {
				t.Fatalf("printed %q", out.String())
			}
			v, err := auth.New(auth.Config{DevSigningKey: tc.key}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Verify(t.Context(), token)
			want := events.Actor{ID: "mentor-7", Role: events.RoleMentor, SchoolID: "sch-1"}
			if err != nil || got != want {
				t.Fatalf("Verify = %+v, %v; want %+v", got, err, want)
			}
		})
	}
}

func TestTokenLivesForTTL(t *testing.T) {
	t.Parallel()
	// Given a token minted two hours ago to live for one
	var out bytes.Buffer
	err := writeToken([]string{"--role", "OFFICE", "--subject", "off-1", "--ttl", "1h"}, environment(nil), &out, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// When the gateway verifies it, then it has expired
	v, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), strings.TrimSpace(out.String())); err == nil || err.Error() != "the token has expired" {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenRefusalsNameTheFlagAndTheRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no role", []string{"--subject", "x"}, "--role: the token names no role (rule required)"},
		{"no subject", []string{"--role", "OFFICE"}, "--subject: the token names no subject (sub) (rule required)"},
		{"unknown role", []string{"--role", "HEADTEACHER", "--subject", "x"}, `--role: the token's role "HEADTEACHER" is not one of OFFICE, FACULTY, TUTOR, SCHOOL_COORDINATOR, MENTOR, STUDENT_TEACHER (rule one_of)`},
		{"system", []string{"--role", "SYSTEM", "--subject", "x"}, "--role: the role SYSTEM belongs to the system's own process managers; no token may carry it (rule not_system)"},
		{"mentor without school", []string{"--role", "MENTOR", "--subject", "x"}, "--school: a MENTOR token must name a school (rule required)"},
		{"no lifetime", []string{"--role", "OFFICE", "--subject", "x", "--ttl", "0s"}, "--ttl: a token must live for a positive time, not 0s (rule positive)"},
		{"a bad duration", []string{"--role", "OFFICE", "--subject", "x", "--ttl", "a while"}, `invalid value "a while" for flag -ttl`},
		{"a stray argument", []string{"--role", "OFFICE", "--subject", "x", "extra"}, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When wsms token is run with a bad flag
			var out bytes.Buffer
			err := writeToken(tc.args, environment(nil), &out, time.Now())
			// Then it prints nothing and says which flag breaks which rule
			if err == nil || !strings.Contains(err.Error(), tc.want) || out.Len() > 0 {
				t.Fatalf("err = %v, printed %q; want %q", err, out.String(), tc.want)
			}
		})
	}
}
