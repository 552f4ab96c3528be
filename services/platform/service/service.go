// Package service runs one command service: it migrates the service's event
// store, serves its commands over NATS, and relays its events to JetStream,
// until its context ends. `wsms run` runs every service this way in one
// process; `wsms serve NAME` runs one, as deploy/ does at scale.
package service

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/events"
	"wsms/platform/command"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/platform/relay"
	"wsms/schema"
)

// Spec is what a service module brings: its name, its events, its commands.
type Spec struct {
	// Name is the service's name: its PostgreSQL schema, its subjects'
	// second part, its relay's checkpoint.
	Name string
	// Register adds the events the service records to a registry.
	Register func(*events.Registry)
	// Migrations are the service's own tables beside its event store, in
	// its schema; nil for none.
	Migrations fs.FS
	// Endpoints lists the service's commands, run by x.
	Endpoints func(x *command.Executor, d Deps) []command.Endpoint
	// Workers are the service's long-running tasks beside its commands,
	// such as keeping a local copy of another service's records; each runs
	// until its context ends, retrying by itself. Nil for none.
	Workers func(d Deps) []func(context.Context) error
}

// Deps are the connections and settings a service runs with.
type Deps struct {
	DB      *pgxpool.Pool
	NATS    *nats.Conn
	Log     *slog.Logger
	Relay   relay.Config // Service is filled in from the Spec
	Version string
}

// Run serves spec until ctx ends, then stops taking commands, lets those in
// hand finish, and stops the relay. It returns once the service is ready and
// then running in the background; wait on the returned channel for its end.
func Run(ctx context.Context, spec Spec, d Deps) (<-chan error, error) {
	if d.Relay.Namespace == "" {
		d.Relay.Namespace = "wsms"
	}
	log := d.Log.With("service", spec.Name)
	sets := []migrate.Set{{Schema: spec.Name, Files: schema.EventStore()}}
	if spec.Migrations != nil {
		sets = append(sets, migrate.Set{Schema: spec.Name, Files: spec.Migrations})
	}
	if err := migrate.Apply(ctx, d.DB, sets...); err != nil {
		return nil, err
	}
	registry := events.NewRegistry()
	spec.Register(registry)
	store := eventstore.New(d.DB, spec.Name)
	x := command.NewExecutor(store, registry, time.Now)

	rcfg := d.Relay
	rcfg.Service = spec.Name
	r, err := relay.New(store, d.NATS, rcfg, log)
	if err != nil {
		return nil, err
	}
	// Commands in hand finish after ctx ends; they are bounded by their
	// own timeout.
	svc, err := command.Start(context.WithoutCancel(ctx), d.NATS, command.ServiceConfig{
		Namespace: rcfg.Namespace, Service: spec.Name, Version: d.Version,
	}, log, append(spec.Endpoints(x, d), history(store))...)
	if err != nil {
		return nil, err
	}
	background := []func(context.Context) error{r.Run}
	if spec.Workers != nil {
		background = append(background, spec.Workers(d)...)
	}
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	bgDone := make(chan error, len(background))
	for _, run := range background {
		go func() {
			err := run(bgCtx)
			if err != nil && bgCtx.Err() == nil {
				log.Error("background work stopped", "err", err)
			}
			bgDone <- err
		}()
	}

	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		err := svc.Stop()
		// Events the relay has not published yet stay in the store and
		// are published on the next start.
		stopBackground()
		for range background {
			err = errors.Join(err, <-bgDone)
		}
		done <- err
	}()
	log.Info("service ready", "commands", rcfg.Namespace+".cmd."+spec.Name+".*", "stream", relay.StreamName(rcfg.Namespace, spec.Name))
	return done, nil
}
