package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"wsms/platform/localpg"
)

// withPostgres runs a command with TEST_DATABASE_URL set to a throwaway
// private PostgreSQL, so that every test package of a run shares one server
// instead of starting its own. With TEST_DATABASE_URL already set it only
// runs the command.
func withPostgres(ctx context.Context, args []string, log *slog.Logger) error {
	durable := false
	if len(args) > 0 && args[0] == "--durable" {
		durable, args = true, args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return errors.New("with-postgres: name the command to run")
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if _, set := os.LookupEnv("TEST_DATABASE_URL"); !set {
		dir, err := localpg.TempDir()
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cluster, err := localpg.Start(ctx, localpg.Options{Dir: filepath.Join(dir, "data"), Throwaway: !durable, Logger: log})
		if err != nil {
			return err
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		}()
		cmd.Env = append(os.Environ(), "TEST_DATABASE_URL="+cluster.URL("postgres"))
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exitCode(exit.ExitCode())
	}
	return err
}
