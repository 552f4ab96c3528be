// Package crashtest runs part of a test in a child process that the test can
// kill at an exact point, to show that what the child did survives the crash
// and is not done twice when the work resumes.
package crashtest

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

const childVar = "WSMS_CRASHTEST_CHILD"

// InChild reports whether this process is the child started by Start for
// the test named name; the test then plays the child's part.
func InChild(name string) bool { return os.Getenv(childVar) == name }

// Env returns a value the parent gave the child.
func Env(key string) string { return os.Getenv("WSMS_CRASHTEST_" + key) }

// Start runs the test named name again in a child process, with env
// visible to it through Env.
func Start(ctx context.Context, t testing.TB, name string, env map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+name+"$")
	cmd.Env = append(os.Environ(), childVar+"="+name)
	for k, v := range env {
		cmd.Env = append(cmd.Env, "WSMS_CRASHTEST_"+k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// WaitKilled waits, at most a minute, for a child started by Start to kill
// itself with Crash, and fails the test if it ended any other way.
func WaitKilled(t testing.TB, what string, start func(ctx context.Context) *exec.Cmd) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := start(ctx)
	err := cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ctx.Err() != nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s: the child ended with %v, want killed by itself at the crash point", what, err)
	}
}

// Crash kills this process at once, as a power cut would: no deferred
// function runs, nothing is flushed or acknowledged.
func Crash() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}
