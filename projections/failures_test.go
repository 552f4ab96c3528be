package projections_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"wsms/events/placement"
	"wsms/projections"
)

// addTeacher records the event fussy and its kin cannot apply, after the
// placement events recorded so far.
func (e *env) addTeacher(t *testing.T) {
	t.Helper()
	if err := e.writers["placement"].append(context.Background(), "school-9", placement.TeacherAdded{SchoolID: "school-9", TeacherID: "teacher-9"}); err != nil {
		t.Fatal(err)
	}
}

// failingOnTeachers is tally whose Apply of a teacher being added runs fail
// instead, which returns its error, counting each attempt.
func failingOnTeachers(name string, attempts *atomic.Int64, fail func(ctx context.Context, tx pgx.Tx, attempt int64) error) projections.Projection {
	p := tally(name)
	p.Services = []string{"placement"}
	p.Apply = func(ctx context.Context, tx pgx.Tx, ev projections.Event) error {
		if ev.Type == placement.TeacherAddedV1 {
			if err := fail(ctx, tx, attempts.Add(1)); err != nil {
				return err
			}
		}
		return applyTally(ctx, tx, ev)
	}
	return p
}

// stopped waits until the projection named name is recorded as stopped, and
// returns the stop.
func stopped(t *testing.T, db *pgxpool.Pool, name string) *projections.PoisonError {
	t.Helper()
	var stop *projections.PoisonError
	eventually(t, name+" is recorded as stopped", func() (bool, error) {
		var err error
		stop, err = projections.Stopped(context.Background(), db, name)
		return stop != nil, err
	})
	return stop
}

func TestAPanicInApplyStopsOnlyItsProjectionAndRecordsTheStack(t *testing.T) {
	// Given a projection whose Apply panics on a teacher being added, run
	// beside another
	e := newEnv(t)
	steady, crashy := tally("steady"), tally("crashy")
	crashy.Apply = func(ctx context.Context, tx pgx.Tx, ev projections.Event) error {
		if ev.Type == placement.TeacherAddedV1 {
			var byTeacher map[string]int
			//lint:ignore SA5000 the bug this projection has
			byTeacher[ev.StreamID]++
		}
		return applyTally(ctx, tx, ev)
	}
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), steady, crashy)

	// When the event comes
	e.record(t, "placement", 3)
	e.addTeacher(t)
	e.record(t, "placement", 2)

	// Then the panicking projection stops right before it, with the panic
	// and where it happened recorded, and the other goes on in the same
	// process.
	stop := stopped(t, e.db, "crashy")
	if stop.Service != "placement" || stop.Position != 4 || stop.Type != placement.TeacherAddedV1 ||
		!strings.Contains(stop.Err.Error(), "panic: assignment to entry in nil map") || !strings.Contains(stop.Err.Error(), "failures_test.go") {
		t.Fatalf("recorded stop %+v; want the panic at placement position 4 with its stack", stop)
	}
	e.caughtUp(t, steady)
	if cp, err := checkpoint(context.Background(), e.db, crashy, "placement"); err != nil || cp != 3 {
		t.Fatalf("crashy's checkpoint = %d, %v; want 3", cp, err)
	}
	if got := metric(t, reg, "wsms_projection_poison_events_total", map[string]string{"projection": "crashy"}); got != 1 {
		t.Errorf("wsms_projection_poison_events_total{crashy} = %v, want 1", got)
	}
}

func TestAnEventThatAlwaysTimesOutStopsItsProjectionAfterFiveAttempts(t *testing.T) {
	// Given a projection whose Apply of a teacher exceeds the statement
	// timeout every time (SQLSTATE 57014, which usually passes)
	e := newEnv(t)
	var attempts atomic.Int64
	slow := failingOnTeachers("slow", &attempts, func(ctx context.Context, tx pgx.Tx, _ int64) error {
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = '20ms'"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "SELECT pg_sleep(10)")
		return err
	})
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), slow)

	// When the event comes
	e.record(t, "placement", 2)
	e.addTeacher(t)

	// Then it is tried five times, and then stops the projection right
	// before it, naming the repeated error.
	stop := stopped(t, e.db, "slow")
	if stop.Position != 3 || stop.Type != placement.TeacherAddedV1 ||
		!strings.Contains(stop.Err.Error(), "failed 5 times in a row") || !strings.Contains(stop.Err.Error(), "57014") {
		t.Fatalf("recorded stop %+v; want the teacher at position 3, failed 5 times with SQLSTATE 57014", stop)
	}
	if n := attempts.Load(); n != 5 {
		t.Errorf("the event was tried %d times, want 5", n)
	}
	if cp, err := checkpoint(context.Background(), e.db, slow, "placement"); err != nil || cp != 2 {
		t.Fatalf("checkpoint = %d, %v; want 2", cp, err)
	}
	for name, want := range map[string]float64{"wsms_projection_stopped": 1, "wsms_projection_poison_events_total": 1, "wsms_projection_retrying": 0} {
		if got := metric(t, reg, name, map[string]string{"projection": "slow"}); got != want {
			t.Errorf("%s{slow} = %v, want %v", name, got, want)
		}
	}
}

func TestAnEventThatFailsForAWhileIsTriedAgainWhileTheRetryingGaugeSaysSo(t *testing.T) {
	// Given a projection whose Apply of a teacher fails twice for lack of
	// memory, and holds its third attempt until the test lets it go
	e := newEnv(t)
	var attempts atomic.Int64
	third, release := make(chan struct{}), make(chan struct{})
	flaky := failingOnTeachers("flaky", &attempts, func(ctx context.Context, _ pgx.Tx, attempt int64) error {
		if attempt <= 2 {
			return &pgconn.PgError{Severity: "ERROR", Code: "53200", Message: "out of memory"}
		}
		close(third)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), flaky)

	// When the event comes
	e.record(t, "placement", 2)
	e.addTeacher(t)

	// Then while it is tried again the gauge says so, and once it passes
	// the gauge is back at zero and nothing is stopped.
	select {
	case <-third:
	case <-time.After(time.Minute):
		t.Fatalf("the event was not tried a third time (%d attempts)", attempts.Load())
	}
	if got := metric(t, reg, "wsms_projection_retrying", map[string]string{"projection": "flaky"}); got != 1 {
		t.Errorf("while trying the event again, wsms_projection_retrying{flaky} = %v, want 1", got)
	}
	close(release)
	e.caughtUp(t, flaky)
	if got := metric(t, reg, "wsms_projection_retrying", map[string]string{"projection": "flaky"}); got != 0 {
		t.Errorf("once the event passed, wsms_projection_retrying{flaky} = %v, want 0", got)
	}
	if stop, err := projections.Stopped(context.Background(), e.db, "flaky"); err != nil || stop != nil {
		t.Fatalf("Stopped = %v, %v; want nothing", stop, err)
	}
	if n := count(t, e.db, flaky, "seen", "WHERE type = $1", placement.TeacherAddedV1); n != 1 {
		t.Fatalf("the read model holds %d teachers, want 1", n)
	}
}
