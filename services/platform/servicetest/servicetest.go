// Package servicetest runs services, and stands in for them, in tests: a
// service under test started on a test's database and NATS, and another
// service reduced to what its neighbours see of it, its event store and
// relay.
package servicetest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/events"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/platform/relay"
	"wsms/platform/service"
	"wsms/schema"
)

// Quiet is the logger of services under test.
var Quiet = slog.New(slog.DiscardHandler)

// Run starts spec until the test ends.
func Run(t testing.TB, spec service.Spec, db *pgxpool.Pool, nc *nats.Conn, namespace string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, err := service.Run(ctx, spec, service.Deps{DB: db, NATS: nc, Log: Quiet, Relay: relay.Config{Namespace: namespace}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s stopped with %v", spec.Name, err)
		}
	})
}

// Publisher records events as another service would, in its own event
// store, published by its own relay to its own stream.
type Publisher struct {
	store    *eventstore.Store
	registry *events.Registry
}

// NewPublisher stands in for the service named service, whose events
// register adds to a registry. Its relay runs until the test ends.
func NewPublisher(t testing.TB, db *pgxpool.Pool, nc *nats.Conn, namespace, service string, register func(*events.Registry)) *Publisher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := migrate.Apply(ctx, db, migrate.Set{Schema: service, Files: schema.EventStore()}); err != nil {
		cancel()
		t.Fatal(err)
	}
	p := &Publisher{store: eventstore.New(db, service), registry: events.NewRegistry()}
	register(p.registry)
	r, err := relay.New(p.store, nc, relay.Config{Service: service, Namespace: namespace}, Quiet)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

// Record appends payloads to the end of stream, as the office did them.
func (p *Publisher) Record(t testing.TB, stream string, payloads ...any) {
	t.Helper()
	ctx := context.Background()
	pending := make([]eventstore.Pending, len(payloads))
	for i, payload := range payloads {
		name, data, err := p.registry.Encode(payload)
		if err != nil {
			t.Fatal(err)
		}
		pending[i] = eventstore.Pending{Type: name, Data: data}
	}
	recorded, err := p.store.Load(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.Append(ctx, eventstore.Append{StreamID: stream, ExpectedVersion: int64(len(recorded)), Events: pending,
		Actor: events.Actor{ID: "office-1", Role: events.RoleOffice}, CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}
