package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"

	"wsms/forum"
	"wsms/mentoring"
	"wsms/placement"
	"wsms/platform/config"
	"wsms/platform/eventstore"
	"wsms/platform/service"
	"wsms/tools/demo"
)

// services are the command services of the system, by name.
var services = map[string]service.Spec{
	placement.Spec.Name: placement.Spec,
	mentoring.Spec.Name: mentoring.Spec,
	forum.Spec.Name:     forum.Spec,
}

// runAll runs every service in this process until interrupted.
func runAll(ctx context.Context, args []string, log *slog.Logger) error {
	s, _, err := loadSettings("run", args)
	if err != nil {
		return err
	}
	in, err := connect(ctx, s, true, log)
	if err != nil {
		return err
	}
	defer in.close()
	var running []<-chan error
	for _, name := range slices.Sorted(maps.Keys(services)) {
		spec := services[name]
		done, err := service.Run(ctx, spec, service.Deps{DB: in.db, NATS: in.nc, Log: log, Relay: s.relay()})
		if err != nil {
			return fmt.Errorf("start %s: %w", spec.Name, err)
		}
		running = append(running, done)
	}
	queries, addr, err := querySide{projections: true, gateway: true}.start(ctx, s, in, log)
	if err != nil {
		return err
	}
	running = append(running, queries)
	if s.Demo {
		if err := loadDemo(ctx, s, in); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	banner(s, in, addr)
	var errs []error
	for _, done := range running {
		errs = append(errs, <-done)
	}
	log.Info("stopped")
	return errors.Join(errs...)
}

// loadDemo sends the demo data's commands when the event store is empty.
func loadDemo(ctx context.Context, s settings, in *infrastructure) error {
	head, err := eventstore.New(in.db, placement.Spec.Name).Head(ctx)
	if err != nil || head > 0 {
		return err
	}
	n, err := demo.Load(ctx, in.nc, s.Namespace)
	if err == nil {
		fmt.Fprintf(os.Stderr, "Loaded demo data: %d commands.\n", n)
	}
	return err
}

func banner(s settings, in *infrastructure, addr string) {
	var b strings.Builder
	fmt.Fprintln(&b, "\nWSMS Placements is running.")
	fmt.Fprintf(&b, "  PostgreSQL  %s\n", config.RedactURL(in.pgURL))
	fmt.Fprintf(&b, "  NATS        %s\n", config.RedactURL(in.natsURL))
	for _, e := range in.embedded {
		fmt.Fprintf(&b, "  started     %s\n", e)
	}
	for _, name := range slices.Sorted(maps.Keys(services)) {
		fmt.Fprintf(&b, "  service     %s: commands on %s.cmd.%s.*\n", name, s.Namespace, name)
	}
	fmt.Fprintf(&b, "  GraphQL     http://%s/graphql (GraphiQL at http://%s/, metrics at /metrics)\n", addr, addr)
	fmt.Fprintf(&b, "\nQuery it with a development token:\n  TOKEN=$(bin/wsms token --role OFFICE --subject office-1)\n")
	fmt.Fprintf(&b, "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\\n    -d '{\"query\":\"{ me { id role } placementRounds(first: 5) { edges { node { id name status } } } }\"}' http://%s/graphql\n", addr)
	fmt.Fprintf(&b, "\nSend a command from another terminal:\n  NATS_URL=%s bin/wsms command placement register-school --as OFFICE:office-1 \\\n", in.natsURL)
	fmt.Fprintln(&b, `    '{"schoolId":"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e99","name":"Kowloon True Light School","district":"Kowloon City","level":"secondary","contact":{"name":"Ada Wong","email":"ada.wong@ktls.edu.hk"}}'`)
	fmt.Fprintln(&b, "\nPress Ctrl-C to stop.")
	fmt.Fprint(os.Stderr, b.String())
}

// queryParts are the parts beside the command services that serve runs.
var queryParts = map[string]querySide{
	"gateway":     {gateway: true},
	"projections": {projections: true},
}

// serve runs one service against external PostgreSQL and NATS.
func serve(ctx context.Context, args []string, log *slog.Logger) error {
	known := strings.Join(slices.Sorted(maps.Keys(services)), ", ") + ", gateway, projections"
	if len(args) == 0 {
		return errors.New("serve: name a service (" + known + ")")
	}
	if part, ok := queryParts[args[0]]; ok {
		return servePart(ctx, args[0], part, args[1:], log)
	}
	spec, ok := services[args[0]]
	if !ok {
		return fmt.Errorf("serve: unknown service %q (known: %s)", args[0], known)
	}
	return serveAlone(ctx, spec.Name, args[1:], log, func(s settings, in *infrastructure) (<-chan error, error) {
		return service.Run(ctx, spec, service.Deps{DB: in.db, NATS: in.nc, Log: log, Relay: s.relay()})
	})
}

// servePart runs the gateway or the projections alone against external
// PostgreSQL and NATS.
func servePart(ctx context.Context, name string, part querySide, args []string, log *slog.Logger) error {
	return serveAlone(ctx, name, args, log, func(s settings, in *infrastructure) (<-chan error, error) {
		done, addr, err := part.start(ctx, s, in, log)
		if err == nil {
			log.Info("serving "+name, "http", addr)
		}
		return done, err
	})
}

// serveAlone reads the settings of `wsms serve name`, connects to the
// external PostgreSQL and NATS they name, starts what start starts and
// waits for its end.
func serveAlone(ctx context.Context, name string, args []string, log *slog.Logger, start func(settings, *infrastructure) (<-chan error, error)) error {
	s, _, err := loadSettings("serve "+name, args)
	if err != nil {
		return err
	}
	log.Info("settings\n" + config.Describe(s))
	in, err := connect(ctx, s, false, log)
	if err != nil {
		return err
	}
	defer in.close()
	done, err := start(s, in)
	if err != nil {
		return err
	}
	return <-done
}
