// Package projectiontest applies events to a projection in a fresh
// PostgreSQL database, so a read model's tests read as given these events,
// then these rows.
package projectiontest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/dbtest"
	"wsms/projections"
)

// Harness is one projection over a fresh database.
type Harness struct {
	DB        *pgxpool.Pool
	p         projections.Projection
	reg       *events.Registry
	positions map[string]int64
	versions  map[string]int64
}

// New makes p's live tables in a fresh database.
func New(t testing.TB, p projections.Projection) *Harness {
	t.Helper()
	db := dbtest.New(t)
	if err := projections.Ensure(context.Background(), db, p); err != nil {
		t.Fatalf("create %s: %v", p.Name, err)
	}
	return &Harness{DB: db, p: p, reg: projections.Registry(), positions: map[string]int64{}, versions: map[string]int64{}}
}

// Epoch is when the first recorded event occurred; each later one occurred a
// minute after the one before, so tests can name exact times.
var Epoch = time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)

// Record applies payloads as events of service on stream, by actor, in one
// batch, and fails the test if the projection refuses them.
func (h *Harness) Record(t testing.TB, service, stream string, actor events.Actor, payloads ...any) {
	t.Helper()
	if err := h.TryRecord(service, stream, actor, payloads...); err != nil {
		t.Fatalf("apply to %s: %v", h.p.Name, err)
	}
}

// TryRecord is Record returning the projection's error.
func (h *Harness) TryRecord(service, stream string, actor events.Actor, payloads ...any) error {
	envs := make([]events.Envelope, len(payloads))
	for i, p := range payloads {
		name, data, err := h.reg.Encode(p)
		if err != nil {
			return err
		}
		n, _ := events.ParseName(name)
		h.positions[service]++
		h.versions[stream]++
		pos := h.positions[service]
		envs[i] = events.Envelope{
			ID: uuid.Must(uuid.NewV7()), Type: name, SchemaVersion: n.Version,
			StreamID: stream, StreamVersion: h.versions[stream], Position: pos,
			OccurredAt: Epoch.Add(time.Duration(h.total()) * time.Minute), Actor: actor,
			CorrelationID: uuid.Must(uuid.NewV7()), Data: data,
		}
	}
	_, err := projections.Apply(context.Background(), h.DB, h.reg, h.p, service, envs)
	return err
}

func (h *Harness) total() int64 {
	var n int64
	for _, p := range h.positions {
		n += p
	}
	return n
}
