package eventstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	"wsms/platform/dbtest"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/schema"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newStore(t *testing.T) *eventstore.Store {
	t.Helper()
	db := dbtest.New(t, migrate.Set{Schema: "placement", Files: schema.EventStore()})
	return eventstore.New(db, "placement")
}

var office = events.Actor{ID: "office-1", Role: events.RoleOffice}

func appendOf(stream string, expected int64, n int) eventstore.Append {
	a := eventstore.Append{
		StreamID: stream, ExpectedVersion: expected, Actor: office,
		CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC),
	}
	for i := range n {
		a.Events = append(a.Events, eventstore.Pending{Type: "placement.school.renamed.v1", Data: json.RawMessage(fmt.Sprintf(`{"name":"name %d"}`, i))})
	}
	return a
}

func TestAppendThenLoadKeepsEnvelopeAndOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	first, err := s.Append(ctx, appendOf("school-a", 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Append(ctx, appendOf("school-a", 2, 1))
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 2 || first.Position != 2 || second.Version != 3 || second.Position != 3 {
		t.Fatalf("results %+v %+v", first, second)
	}
	got, err := s.Load(ctx, "school-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("loaded %d events, want 3", len(got))
	}
	want := append(first.Events, second.Events...)
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.StreamVersion != int64(i+1) || g.Position != int64(i+1) || g.Type != w.Type ||
			g.SchemaVersion != 1 || g.Actor != office || !g.OccurredAt.Equal(w.OccurredAt) ||
			g.CorrelationID != w.CorrelationID || g.CausationID != w.CausationID || string(g.Data) != string(w.Data) {
			t.Errorf("event %d loaded as %+v, appended as %+v", i, g, w)
		}
		if g.ID.Version() != 7 {
			t.Errorf("event id %s is not a UUIDv7", g.ID)
		}
	}
	if none, err := s.Load(ctx, "school-missing"); err != nil || len(none) != 0 {
		t.Fatalf("load of a missing stream = %v, %v", none, err)
	}
}

func TestTwoWritersOnOneVersionOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Append(ctx, appendOf("round-1", 0, 1)); err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	results := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			_, err := s.Append(ctx, appendOf("round-1", 1, 2))
			results <- err
		})
	}
	wg.Wait()
	close(results)
	var won, conflicts int
	for err := range results {
		switch {
		case err == nil:
			won++
		case errs.Is(err, errs.Conflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != 1 || conflicts != writers-1 {
		t.Fatalf("%d won, %d conflicts; want 1 and %d", won, conflicts, writers-1)
	}
	evs, err := s.Load(ctx, "round-1")
	if err != nil || len(evs) != 3 {
		t.Fatalf("stream holds %d events (%v), want 3: the losers must write nothing", len(evs), err)
	}
	if head, _ := s.Head(ctx); head != 3 {
		t.Fatalf("head = %d, want 3: a losing writer must not use up positions", head)
	}
}

func TestCreatingAnExistingStreamConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Append(ctx, appendOf("school-b", 0, 1)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Append(ctx, appendOf("school-b", 0, 1))
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("err = %v, want CONFLICT", err)
	}
	_, err = s.Append(ctx, appendOf("school-b", 5, 1))
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("append past the stream's end: err = %v, want CONFLICT", err)
	}
}

func TestIdempotentAppendHappensOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a := appendOf("school-c", 0, 1)
	a.IdempotencyKey, a.RequestHash = "register-school-c", []byte("hash-1")

	// Concurrent retries of one command: one appends, all get its result.
	var wg sync.WaitGroup
	results := make([]eventstore.Result, 6)
	errors := make([]error, 6)
	for i := range results {
		wg.Go(func() { results[i], errors[i] = s.Append(ctx, a) })
	}
	wg.Wait()
	fresh := 0
	for i, r := range results {
		if errors[i] != nil {
			t.Fatalf("retry %d: %v", i, errors[i])
		}
		if !r.Replayed {
			fresh++
		}
		if r.StreamID != "school-c" || r.Version != 1 || r.Position != 1 {
			t.Errorf("retry %d result %+v", i, r)
		}
	}
	if fresh != 1 {
		t.Fatalf("%d retries appended, want exactly 1", fresh)
	}
	if head, _ := s.Head(ctx); head != 1 {
		t.Fatalf("head = %d, want 1", head)
	}

	got, ok, err := s.Remembered(ctx, "register-school-c", []byte("hash-1"))
	if err != nil || !ok || got.Position != 1 || !got.Replayed {
		t.Fatalf("Remembered = %+v, %v, %v", got, ok, err)
	}
	_, _, err = s.Remembered(ctx, "register-school-c", []byte("another command"))
	if e := errs.As(err); e.Code != errs.Validation || e.Field != "idempotencyKey" {
		t.Fatalf("reusing a key for another command: err = %v, want VALIDATION on idempotencyKey", err)
	}
}

func TestReadAfterPagesThroughTheLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	for i := range 5 {
		if _, err := s.Append(ctx, appendOf(fmt.Sprintf("school-%d", i), 0, 3)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []int64
	for after := int64(0); ; {
		page, err := s.ReadAfter(ctx, after, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			seen = append(seen, e.Position)
		}
		after = page[len(page)-1].Position
	}
	if len(seen) != 15 {
		t.Fatalf("read %d events, want 15", len(seen))
	}
	for i, p := range seen {
		if p != int64(i+1) {
			t.Fatalf("positions %v are not 1..15 in order", seen)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if p, err := s.Checkpoint(ctx, "relay"); err != nil || p != 0 {
		t.Fatalf("fresh checkpoint = %d, %v", p, err)
	}
	for _, want := range []int64{10, 42} {
		if err := s.SaveCheckpoint(ctx, "relay", want); err != nil {
			t.Fatal(err)
		}
		if p, err := s.Checkpoint(ctx, "relay"); err != nil || p != want {
			t.Fatalf("checkpoint = %d, %v; want %d", p, err, want)
		}
	}
}

func TestAppendRefusesAnEventTooLargeToPublish(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a := appendOf("round-big", 0, 1)
	a.Events[0].Data = json.RawMessage(`{"explanations":"` + strings.Repeat("x", eventstore.MaxEventBytes) + `"}`)
	if _, err := s.Append(context.Background(), a); err == nil || errs.As(err).Rule != "too_large" || !errs.Is(err, errs.Validation) {
		t.Fatalf("err = %v, want the event refused for its size (VALIDATION, too_large)", err)
	}
	if head, _ := s.Head(context.Background()); head != 0 {
		t.Fatalf("head = %d after a refused append", head)
	}
}

func TestAppendRefusesNoEvents(t *testing.T) {
	t.Parallel()
	_, err := newStore(t).Append(context.Background(), appendOf("school-d", 0, 0))
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a refusal", err)
	}
}
