package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"wsms/events"
	"wsms/platform/command"
	"wsms/platform/errs"
)

// sendCommand sends one command, given as JSON, and prints the reply.
func sendCommand(ctx context.Context, args []string) error {
	return request(ctx, "command", args)
}

// ask sends one question, given as JSON, and prints the answer.
func ask(ctx context.Context, args []string) error {
	return request(ctx, "ask", args)
}

// request sends a command ("command") or a question ("ask") to a service.
func request(ctx context.Context, verb string, args []string) error {
	fs := flag.NewFlagSet("wsms "+verb, flag.ContinueOnError)
	natsURL := fs.String("nats-url", envOr("NATS_URL", "nats://127.0.0.1:14222"), "NATS server (env NATS_URL)")
	namespace := fs.String("namespace", envOr("WSMS_NAMESPACE", "wsms"), "subject prefix (env WSMS_NAMESPACE)")
	as := fs.String("as", "", "who sends it, as ROLE:ID (for example OFFICE:office-1)")
	school := fs.String("school", "", "the school the sender acts for (school staff)")
	key := fs.String("key", "", "idempotency key: a command retried with the same key acts once")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the reply")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: wsms %s SERVICE NAME --as ROLE:ID [flags] [JSON]\n\nThe JSON comes from the argument or, if absent, standard input.\n", verb)
		fs.PrintDefaults()
	}
	if len(args) < 2 {
		fs.Usage()
		return fmt.Errorf("%s: name a service and a %s", verb, map[string]string{"command": "command", "ask": "question"}[verb])
	}
	svc, name := args[0], args[1]
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if verb == "ask" && *key != "" {
		return errors.New("ask: a question records nothing, so it takes no idempotency key")
	}
	role, id, ok := strings.Cut(*as, ":")
	if !ok || id == "" || !events.Role(role).Valid() {
		return fmt.Errorf("%s: --as %q: want ROLE:ID with ROLE one of OFFICE, FACULTY, TUTOR, SCHOOL_COORDINATOR, MENTOR, STUDENT_TEACHER", verb, *as)
	}
	var body []byte
	var err error
	if fs.NArg() > 0 {
		body = []byte(fs.Arg(0))
	} else if body, err = io.ReadAll(os.Stdin); err != nil {
		return err
	}
	if !json.Valid(body) {
		return fmt.Errorf("%s: the %s is not valid JSON", verb, name)
	}
	nc, err := nats.Connect(*natsURL, nats.Name("wsms "+verb))
	if err != nil {
		return fmt.Errorf("NATS at %s: %w", *natsURL, err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	actor := events.Actor{ID: id, Role: events.Role(role), SchoolID: *school}
	subject := command.Subject(*namespace, svc, name)
	var reply any
	if verb == "command" {
		reply, err = command.Send(ctx, nc, subject, command.Request[json.RawMessage]{Command: body, Actor: actor, IdempotencyKey: *key})
	} else {
		reply, err = command.Ask[json.RawMessage, json.RawMessage](ctx, nc, subject, command.Question[json.RawMessage]{Query: body, Actor: actor})
	}
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			out, _ := json.MarshalIndent(e, "", "  ")
			fmt.Fprintf(os.Stderr, "%s\n", out)
			return exitCode(2)
		}
		return err
	}
	out, _ := json.MarshalIndent(reply, "", "  ")
	fmt.Printf("%s\n", out)
	return nil
}

func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}
