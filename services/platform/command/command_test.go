package command_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"wsms/events"
	"wsms/platform/command"
	"wsms/platform/dbtest"
	"wsms/platform/decider"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/schema"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A tally counts observations of a lesson: the smallest aggregate there is.
type tallied struct {
	By int `json:"by"`
}

type tally struct{ total int }

type count struct {
	Lesson string `json:"lesson"`
	By     int    `json:"by"`
	// Limit is filled in by Prepare, as facts from elsewhere are.
	Limit int `json:"-"`
}

var counting = command.UseCase[tally, count]{Handler: decider.Handler[tally, count]{
	Name:   "count",
	Stream: func(c count) (string, error) { return "lesson-" + c.Lesson, nil },
	Evolve: func(s tally, e any) tally { s.total += e.(tallied).By; return s },
	Decide: func(s tally, c count, _ decider.Meta) ([]any, error) {
		if c.Limit > 0 && s.total+c.By > c.Limit {
			return nil, errs.Invalid("by", "limit", "would pass the limit of %d", c.Limit)
		}
		return []any{tallied{By: c.By}}, nil
	},
}}

func newExecutor(t *testing.T) *command.Executor {
	t.Helper()
	db := dbtest.New(t, migrate.Set{Schema: "mentoring", Files: schema.EventStore()})
	reg := events.NewRegistry()
	events.Define[tallied](reg, "mentoring.lesson.tallied.v1")
	return command.NewExecutor(eventstore.New(db, "mentoring"), reg, time.Now)
}

var tutor = events.Actor{ID: "tutor-1", Role: events.RoleTutor}

func TestConcurrentCommandsOnOneStreamAreDecidedAgain(t *testing.T) {
	t.Parallel()
	x := newExecutor(t)
	ctx := context.Background()
	// Four writers at once: each can lose at most three times to the
	// others, within the executor's attempts.
	var wg sync.WaitGroup
	failures := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			if _, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "a", By: 1}, Actor: tutor}); err != nil {
				failures <- err
			}
		})
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Errorf("a command was refused: %v", err)
	}
	res, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "a", By: 1}, Actor: tutor})
	if err != nil || res.Version != 5 {
		t.Fatalf("fifth count: %+v, %v; want version 5", res, err)
	}
}

func TestExpectedVersionRefusesAStaleCommand(t *testing.T) {
	t.Parallel()
	x := newExecutor(t)
	ctx := context.Background()
	for range 2 {
		if _, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "b", By: 1}, Actor: tutor}); err != nil {
			t.Fatal(err)
		}
	}
	stale := int64(1)
	_, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "b", By: 1}, Actor: tutor, ExpectedVersion: &stale})
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("err = %v, want CONFLICT", err)
	}
	current := int64(2)
	if res, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "b", By: 1}, Actor: tutor, ExpectedVersion: &current}); err != nil || res.Version != 3 {
		t.Fatalf("current version: %+v, %v", res, err)
	}
}

func TestPrepareFillsInFactsAndReadsOtherStreams(t *testing.T) {
	t.Parallel()
	x := newExecutor(t)
	ctx := context.Background()
	for _, lesson := range []string{"c-1", "c-2", "c_3", "d-1"} {
		if _, err := command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: lesson, By: 2}, Actor: tutor}); err != nil {
			t.Fatal(err)
		}
	}
	// The limit of lesson "x" is what lessons "c-*" have counted so far, 4:
	// the "_" of "c_3" must not match the "-" of the prefix.
	limited := counting
	limited.Prepare = func(ctx context.Context, r command.Reader, c count) (count, error) {
		byStream, err := r.EventsByStream(ctx, "lesson-c-")
		if err != nil {
			return c, err
		}
		for _, evs := range byStream {
			for _, e := range evs {
				c.Limit += e.(tallied).By
			}
		}
		return c, nil
	}
	if _, err := command.Execute(ctx, x, limited, command.Request[count]{Command: count{Lesson: "x", By: 4}, Actor: tutor}); err != nil {
		t.Fatalf("within the limit of 4: %v", err)
	}
	_, err := command.Execute(ctx, x, limited, command.Request[count]{Command: count{Lesson: "x", By: 1}, Actor: tutor})
	if err == nil || errs.As(err).Field != "by" || !errs.Is(err, errs.Validation) {
		t.Fatalf("past the limit: %v, want VALIDATION on by", err)
	}
	s, err := command.Fold(ctx, command.ReaderOf(x), counting.Evolve, "lesson-x")
	if err != nil || s.total != 4 {
		t.Fatalf("lesson c-9 totals %d (%v), want 4", s.total, err)
	}
}

func TestCommandWithoutActorIsUnauthenticated(t *testing.T) {
	t.Parallel()
	_, err := command.Execute(context.Background(), newExecutor(t), counting, command.Request[count]{Command: count{Lesson: "e", By: 1}})
	if !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("err = %v, want UNAUTHENTICATED", err)
	}
}

// TestReplicasSeeEachOthersEvents runs commands on one stream through two
// executors, as two replicas of a service would: each remembers folded
// state, and neither may decide on a state that misses the other's events.
func TestReplicasSeeEachOthersEvents(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t, migrate.Set{Schema: "mentoring", Files: schema.EventStore()})
	replica := func() *command.Executor {
		reg := events.NewRegistry()
		events.Define[tallied](reg, "mentoring.lesson.tallied.v1")
		return command.NewExecutor(eventstore.New(db, "mentoring"), reg, time.Now)
	}
	a, b := replica(), replica()
	ctx := context.Background()
	limited := counting
	limited.Prepare = func(_ context.Context, _ command.Reader, c count) (count, error) { c.Limit = 3; return c, nil }
	for i, x := range []*command.Executor{a, b, a, b} {
		res, err := command.Execute(ctx, x, limited, command.Request[count]{Command: count{Lesson: "f", By: 1}, Actor: tutor})
		if i < 3 && (err != nil || res.Version != int64(i+1)) {
			t.Fatalf("count %d: %+v, %v", i+1, res, err)
		}
		if i == 3 && !errs.Is(err, errs.Validation) {
			t.Fatalf("fourth count past the limit of 3: %v; a replica decided on a state that missed the other's events", err)
		}
	}
}

// TestRetriesOfOneCommandAllGetItsResult sends one command several times at
// once under one idempotency key. The command may act once only (a second
// count would pass the limit), so a retry that lost the race is refused on
// its own; it must answer with the first attempt's result instead.
func TestRetriesOfOneCommandAllGetItsResult(t *testing.T) {
	t.Parallel()
	x := newExecutor(t)
	ctx := context.Background()
	once := counting
	once.Prepare = func(_ context.Context, _ command.Reader, c count) (count, error) { c.Limit = 1; return c, nil }
	req := command.Request[count]{Command: count{Lesson: "g", By: 1}, Actor: tutor, IdempotencyKey: "count-g-once"}
	var wg sync.WaitGroup
	results := make([]eventstore.Result, 6)
	failures := make([]error, 6)
	for i := range results {
		wg.Go(func() { results[i], failures[i] = command.Execute(ctx, x, once, req) })
	}
	wg.Wait()
	for i := range results {
		if failures[i] != nil || results[i].Version != 1 {
			t.Fatalf("retry %d: %+v, %v; want the first attempt's result", i, results[i], failures[i])
		}
	}
}

// TestBusyStreamSaysSo has more writers on one stream at once than the
// executor's attempts can settle. Every command is either recorded or
// refused as busy (a conflict worth trying again), never anything else, and
// the stream holds exactly the recorded ones.
func TestBusyStreamSaysSo(t *testing.T) {
	t.Parallel()
	x := newExecutor(t)
	ctx := context.Background()
	const writers = 12
	var wg sync.WaitGroup
	errors := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errors[i] = command.Execute(ctx, x, counting, command.Request[count]{Command: count{Lesson: "h", By: 1}, Actor: tutor})
		})
	}
	wg.Wait()
	recorded := 0
	for _, err := range errors {
		switch e := errs.As(err); {
		case err == nil:
			recorded++
		case e.Code != errs.Conflict || e.Rule != command.RuleBusy:
			t.Errorf("err = %v, want a busy conflict", err)
		}
	}
	s, err := command.Fold(ctx, command.ReaderOf(x), counting.Evolve, "lesson-h")
	if err != nil || s.total != recorded {
		t.Fatalf("the stream counts %d (%v), %d commands were recorded", s.total, err, recorded)
	}
}
