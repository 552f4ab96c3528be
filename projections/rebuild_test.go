package projections_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"wsms/events/placement"
	"wsms/projections"
)

// keepWriting appends a few events at a time to both services until stop is
// closed, then reports how it ended.
func (e *env) keepWriting(stop <-chan struct{}) <-chan error {
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			for _, s := range []string{"placement", "mentoring"} {
				if err := e.writers[s].append(context.Background(), fmt.Sprintf("%s-%d", s, i%7), payload(s, i), payload(s, i+1)); err != nil {
					done <- err
					return
				}
			}
		}
	}()
	return done
}

// recordMany appends n events to service quickly, fifty to a transaction.
func (e *env) recordMany(t *testing.T, service string, n int) {
	t.Helper()
	for i := 0; i < n; i += 50 {
		batch := make([]any, min(50, n-i))
		for j := range batch {
			batch[j] = payload(service, i+j)
		}
		if err := e.writers[service].append(context.Background(), fmt.Sprintf("%s-bulk-%d", service, i%11), batch...); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRebuildWhileEventsKeepArrivingGivesTheTablesOfAFreshLiveBuild(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := tally("tally")
	e.recordMany(t, "placement", 2500)
	e.recordMany(t, "mentoring", 1200)
	e.run(t, e.db, nil, p)
	totalBefore := e.head(t, "placement") + e.head(t, "mentoring")

	stop := make(chan struct{})
	writing := e.keepWriting(stop)
	var mu sync.Mutex
	var reports []projections.Progress
	err := projections.Rebuild(ctx, e.db, p, func(pr projections.Progress) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, pr)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A few more events after the swap, applied live to the new tables.
	e.record(t, "placement", 3)
	close(stop)
	if err := <-writing; err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	last := reports[len(reports)-1]
	for i := 1; i < len(reports); i++ {
		if reports[i].Done < reports[i-1].Done {
			t.Errorf("progress went back from %d to %d", reports[i-1].Done, reports[i].Done)
		}
	}
	mu.Unlock()
	if last.Projection != "tally" || last.Done != last.Total || last.Total < totalBefore || last.Rate <= 0 {
		t.Errorf("last progress %+v; want Done = Total >= %d and a rate", last, totalBefore)
	}
	if len(reports) < 4 {
		t.Errorf("%d progress reports for %d events; want one a batch", len(reports), last.Total)
	}

	e.caughtUp(t, p)
	fresh := tally("tally_fresh")
	e.run(t, e.db, nil, fresh)
	e.caughtUp(t, fresh)
	sameTables(t, e.db, p.Schema(), fresh.Schema())
	var leftover bool
	if err := e.db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rm_tally_next')").Scan(&leftover); err != nil || leftover {
		t.Fatalf("shadow schema left behind: %v, %v", leftover, err)
	}
}

// board is tally, and in its second version also counts events by type.
func board(version int) projections.Projection {
	p := tally("board")
	if version == 1 {
		return p
	}
	p.Tables += `;
		CREATE TABLE by_type (type text PRIMARY KEY, events int NOT NULL)`
	p.Apply = func(ctx context.Context, tx pgx.Tx, e projections.Event) error {
		if err := applyTally(ctx, tx, e); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO by_type VALUES ($1, 1) ON CONFLICT (type) DO UPDATE SET events = by_type.events + 1`, e.Type)
		return err
	}
	return p
}

func TestRunRebuildsAReadModelWhoseTablesChanged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	old := e.run(t, e.db, nil, board(1))
	e.recordMany(t, "placement", 1500)
	e.record(t, "mentoring", 40)
	e.caughtUp(t, board(1))
	old.stop()

	v2 := board(2)
	if err := projections.Ensure(ctx, e.db, v2); !errors.Is(err, projections.ErrOutdated) {
		t.Fatalf("Ensure with new tables = %v, want ErrOutdated", err)
	}
	e.run(t, e.db, nil, v2)
	e.record(t, "placement", 10)
	e.record(t, "mentoring", 10)
	e.caughtUp(t, v2)
	var counted int64
	if err := e.db.QueryRow(ctx, "SELECT sum(events) FROM rm_board.by_type").Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if want := e.head(t, "placement") + e.head(t, "mentoring"); counted != want {
		t.Fatalf("by_type counts %d events, the stores hold %d", counted, want)
	}
	if err := projections.Ensure(ctx, e.db, v2); err != nil {
		t.Fatalf("Ensure after the rebuild = %v", err)
	}

	fresh := board(2)
	fresh.Name = "board_fresh"
	e.run(t, e.db, nil, fresh)
	e.caughtUp(t, fresh)
	sameTables(t, e.db, v2.Schema(), fresh.Schema())
}

func TestRebuildPastTheEventThatStoppedAProjectionClearsTheStop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, "placement", 2)
	if err := e.writers["placement"].append(ctx, "school-9", placement.TeacherAdded{SchoolID: "school-9", TeacherID: "teacher-9"}); err != nil {
		t.Fatal(err)
	}
	r := e.run(t, e.db, nil, fussy("fussy"))
	eventually(t, "fussy is stopped", func() (bool, error) {
		stop, err := projections.Stopped(ctx, e.db, "fussy")
		return stop != nil, err
	})
	r.stop()

	// The same code cannot rebuild it either, and says why.
	var poison *projections.PoisonError
	if err := projections.Rebuild(ctx, e.db, fussy("fussy"), nil); !errors.As(err, &poison) || poison.Position != 3 {
		t.Fatalf("rebuild with the same code = %v; want the event at position 3 named", err)
	}
	// Fixed code can.
	fixed := tally("fussy")
	if err := projections.Rebuild(ctx, e.db, fixed, nil); err != nil {
		t.Fatal(err)
	}
	if stop, err := projections.Stopped(ctx, e.db, "fussy"); err != nil || stop != nil {
		t.Fatalf("after the rebuild, Stopped = %v, %v; want nothing", stop, err)
	}
	if n := count(t, e.db, fixed, "seen", ""); n != 3 {
		t.Fatalf("the rebuilt read model holds %d events, want 3", n)
	}
}

func TestARunnerLeavesAReadModelRebuiltWithOtherTablesToTheCodeThatBuiltIt(t *testing.T) {
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), board(1))
	e.record(t, "placement", 5)
	e.caughtUp(t, board(1))

	// Newer code rebuilds the read model with its tables while older code
	// runs: the older code stops applying rather than write into tables
	// it does not know.
	if err := projections.Rebuild(context.Background(), e.db, board(2), nil); err != nil {
		t.Fatal(err)
	}
	e.record(t, "placement", 1)
	eventually(t, "the old runner stops board", func() (bool, error) {
		return metric(t, reg, "wsms_projection_stopped", map[string]string{"projection": "board"}) == 1, nil
	})
	if stop, err := projections.Stopped(context.Background(), e.db, "board"); err != nil || stop != nil {
		t.Fatalf("Stopped = %v, %v; a read model left to other code is not stopped by an event", stop, err)
	}
	e.run(t, e.db, nil, board(2))
	e.caughtUp(t, board(2))
	if n := count(t, e.db, board(2), "by_type", "WHERE events = 6"); n != 1 {
		t.Fatalf("by_type does not count the 6 placement events")
	}
}

func TestARebuildCatchesUpWhileALiveBatchHoldsTheLockAndSwapsOnceItIsDone(t *testing.T) {
	// Given a live batch of the projection holding its lock (held here by
	// hand, for as long as the test needs)
	e := newEnv(t)
	ctx := context.Background()
	p := tally("tally")
	if err := projections.Ensure(ctx, e.db, p); err != nil {
		t.Fatal(err)
	}
	e.recordMany(t, "placement", 2500)
	live, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Rollback(ctx)
	if _, err := live.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", projections.LiveLockKey(p)); err != nil {
		t.Fatal(err)
	}

	// When the projection is rebuilt
	var done atomic.Int64
	rebuilt := make(chan error, 1)
	go func() {
		rebuilt <- projections.Rebuild(ctx, e.db, p, func(pr projections.Progress) { done.Store(pr.Done) })
	}()

	// Then its catch-up builds the new tables meanwhile, and only its swap
	// waits for the lock.
	eventually(t, "the rebuild catches up with the store", func() (bool, error) { return done.Load() == 2500, nil })
	eventually(t, "the swap waits for the live lock", func() (bool, error) {
		var waiting bool
		err := e.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND (classid::bigint << 32 | objid::bigint) = $1)`, projections.LiveLockKey(p)).Scan(&waiting)
		return waiting, err
	})
	select {
	case err := <-rebuilt:
		t.Fatalf("the rebuild swapped while a live batch held the lock (%v)", err)
	default:
	}
	if err := live.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	if n := count(t, e.db, p, "seen", ""); n != 2500 {
		t.Fatalf("the rebuilt read model holds %d events, want 2500", n)
	}
}

func TestAProjectionNameThatIsAnotherOnesRebuildSchemaIsRefused(t *testing.T) {
	// Given a projection named as the schema a rebuild of tally builds in
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := tally("tally_next")

	// When it is made, rebuilt or run, then it is refused, so a rebuild
	// of tally, which drops its shadow left behind, drops no read model.
	if err := projections.Ensure(ctx, e.db, p); err == nil || !strings.Contains(err.Error(), "tally_next") {
		t.Errorf("Ensure = %v; want the name refused", err)
	}
	if err := projections.Rebuild(ctx, e.db, p, nil); err == nil || !strings.Contains(err.Error(), "tally_next") {
		t.Errorf("Rebuild = %v; want the name refused", err)
	}
	r := projections.NewRunner(e.db, e.js, projections.RunnerConfig{Namespace: e.namespace}, testLogger(t))
	if err := r.Run(ctx, p); err == nil || !strings.Contains(err.Error(), "tally_next") {
		t.Errorf("Run = %v; want the name refused", err)
	}
	var exists bool
	if err := e.db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rm_tally_next')").Scan(&exists); err != nil || exists {
		t.Fatalf("rm_tally_next exists: %v, %v", exists, err)
	}
}
