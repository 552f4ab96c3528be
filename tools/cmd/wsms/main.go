// Command wsms runs and operates WSMS Placements: the whole system in one
// process for local use (run), one service against external NATS and
// PostgreSQL (serve), and commands sent by hand (command).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `wsms runs and operates WSMS Placements.

Usage:
  wsms run [flags]                 everything in one process: private PostgreSQL and
                                   embedded NATS unless DATABASE_URL / NATS_URL are set
  wsms serve SERVICE [flags]       one part (placement, mentoring, forum, projections, gateway)
                                   against DATABASE_URL and NATS_URL
  wsms command SERVICE COMMAND [flags] [JSON]
                                   send one command and print the reply
  wsms ask SERVICE QUESTION [flags] [JSON]
                                   ask a service a question (history, verify-record,
                                   forum-participation, …) and print the answer
  wsms with-postgres [--durable] -- CMD [ARGS]
                                   run CMD with TEST_DATABASE_URL pointing at a throwaway
                                   private PostgreSQL (unless already set); --durable keeps
                                   fsync on, as benchmarks want
  wsms benchreport < bench.out     print each benchmark figure beside its raw limits
  wsms allocate --in instance.json [--out result.json]
                                   solve a placement round; exit status 2 and every
                                   problem, one per line, if the round is refused
  wsms bench allocation [flags]    time the placement solver beside CBC (installed with
                                   apt-get if missing) on generated rounds; fails if
                                   their objectives differ
  wsms token --role R --subject ID [--school ID]   mint a development bearer token for the GraphQL API
  wsms projections rebuild [NAME...] | status [NAME...]
                                   rebuild read models from the event stores (all when
                                   none is named), or show how far each has read

Run "wsms COMMAND -h" for the flags of each.
`

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], log)
	stop()
	var exit exitCode
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &exit):
		os.Exit(int(exit))
	default:
		fmt.Fprintln(os.Stderr, "wsms:", err)
		os.Exit(1)
	}
}

// exitCode ends wsms with a status of its own, as with-postgres does with
// the status of the command it ran.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "run":
		return runAll(ctx, args[1:], log)
	case "serve":
		return serve(ctx, args[1:], log)
	case "command":
		return sendCommand(ctx, args[1:])
	case "ask":
		return ask(ctx, args[1:])
	case "with-postgres":
		return withPostgres(ctx, args[1:], log)
	case "benchreport":
		return benchReport(os.Stdin, os.Stdout)
	case "allocate":
		return allocate(args[1:], os.Stdin, os.Stdout)
	case "bench":
		return bench(ctx, args[1:], os.Stdout)
	case "token":
		return mintToken(args[1:])
	case "projections":
		return projectionsCommand(ctx, args[1:], log)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
