// Package projectiontest applies events to projections in a fresh
// PostgreSQL database, so a read model's tests read as given these events,
// then these rows.
package projectiontest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/dbtest"
	"wsms/projections"
)

// Harness is projections over one fresh database, fed events as live
// processing feeds them: each event to every projection that reads its
// service, at the next position of that service.
type Harness struct {
	DB *pgxpool.Pool
	// Projections are the projections the harness feeds, as given to New:
	// what a watcher over DB follows.
	Projections []projections.Projection
	reg         *events.Registry
	positions   map[string]int64
	versions    map[string]int64
	recorded    int
}

// New makes the live tables of ps in a fresh database.
func New(t testing.TB, ps ...projections.Projection) *Harness {
	t.Helper()
	db := dbtest.New(t)
	for _, p := range ps {
		if err := projections.Ensure(context.Background(), db, p); err != nil {
			t.Fatalf("create %s: %v", p.Name, err)
		}
	}
	return &Harness{DB: db, Projections: ps, reg: projections.Registry(), positions: map[string]int64{}, versions: map[string]int64{}}
}

// Epoch is when the first recorded event occurred; each later one occurred a
// minute after the one before, so tests can name exact times.
var Epoch = time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)

// Last is when the last recorded event occurred.
func (h *Harness) Last() time.Time { return at(h.recorded) }

// at is when the n-th recorded event occurred.
func at(n int) time.Time { return Epoch.Add(time.Duration(n) * time.Minute) }

// Record applies payloads as events of service on stream, by actor, in one
// batch to each projection that reads service, and fails the test if one
// refuses them.
func (h *Harness) Record(t testing.TB, service, stream string, actor events.Actor, payloads ...any) {
	t.Helper()
	if err := h.TryRecord(service, stream, actor, payloads...); err != nil {
		t.Fatal(err)
	}
}

// TryRecord is Record returning the first refusal, naming the projection.
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
		h.recorded++
		envs[i] = events.Envelope{
			ID: uuid.Must(uuid.NewV7()), Type: name, SchemaVersion: n.Version,
			StreamID: stream, StreamVersion: h.versions[stream], Position: h.positions[service],
			OccurredAt: at(h.recorded), Actor: actor,
			CorrelationID: uuid.Must(uuid.NewV7()), Data: data,
		}
	}
	for _, p := range h.Projections {
		if !slices.Contains(p.Services, service) {
			continue
		}
		if _, err := projections.Apply(context.Background(), h.DB, h.reg, p, service, envs); err != nil {
			return fmt.Errorf("apply to %s: %w", p.Name, err)
		}
	}
	return nil
}
