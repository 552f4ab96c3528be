package projections_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/natstest"
	"wsms/platform/relay"
	"wsms/platform/servicetest"
	"wsms/projections"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// env is a database holding the placement and mentoring event stores, each
// published by its real relay to a JetStream of the test's own.
type env struct {
	url       string
	db        *pgxpool.Pool
	js        jetstream.JetStream
	namespace string
	writers   map[string]*writer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{url: dbtest.URL(t), namespace: natstest.Namespace()}
	e.db = newPool(t, e.url, "wsms-test")
	nc := natstest.Start(t).Connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	e.js = js
	servicetest.NewPublisher(t, e.db, nc, e.namespace, "placement", placement.Register)
	servicetest.NewPublisher(t, e.db, nc, e.namespace, "mentoring", mentoring.Register)
	e.writers = map[string]*writer{"placement": newWriter(e.db, "placement"), "mentoring": newWriter(e.db, "mentoring")}
	return e
}

// newPool connects to url as application name.
func newPool(t testing.TB, url, name string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = name
	cfg.MaxConns = 16
	db, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// writer appends events to a service's store as the service would; it
// returns errors rather than failing the test, so it can run beside it.
type writer struct {
	store    *eventstore.Store
	registry *events.Registry
	mu       sync.Mutex
	versions map[string]int64
}

func newWriter(db *pgxpool.Pool, service string) *writer {
	r := events.NewRegistry()
	placement.Register(r)
	mentoring.Register(r)
	return &writer{store: eventstore.New(db, service), registry: r, versions: map[string]int64{}}
}

func (w *writer) append(ctx context.Context, stream string, payloads ...any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	pending := make([]eventstore.Pending, len(payloads))
	for i, p := range payloads {
		name, data, err := w.registry.Encode(p)
		if err != nil {
			return err
		}
		pending[i] = eventstore.Pending{Type: name, Data: data}
	}
	_, err := w.store.Append(ctx, eventstore.Append{StreamID: stream, ExpectedVersion: w.versions[stream], Events: pending,
		Actor: events.Actor{ID: "office-1", Role: events.RoleOffice}, CorrelationID: uuid.New(), CausationID: uuid.New(),
		OccurredAt: time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)})
	if err == nil {
		w.versions[stream] += int64(len(payloads))
	}
	return err
}

// record appends n events to service, spread over a few streams, and fails
// the test if it cannot.
func (e *env) record(t testing.TB, service string, n int) {
	t.Helper()
	for i := range n {
		if err := e.writers[service].append(context.Background(), fmt.Sprintf("%s-%d", service, i%3), payload(service, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// payload is an ordinary event of service.
func payload(service string, i int) any {
	if service == "mentoring" {
		return mentoring.MentorTrainingRecorded{TeacherID: fmt.Sprintf("teacher-%d", i), SchoolID: "school-1", Course: "Quality mentor", Level: "I"}
	}
	return placement.SchoolRegistered{SchoolID: fmt.Sprintf("school-%d", i), Name: "School", District: "Sha Tin", Level: placement.Secondary}
}

func (e *env) head(t testing.TB, service string) int64 {
	t.Helper()
	h, err := e.writers[service].store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// runner runs ps until stopped or the test ends.
type runner struct {
	stop func()
}

func (e *env) run(t testing.TB, db *pgxpool.Pool, m *projections.Metrics, ps ...projections.Projection) *runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := projections.NewRunner(db, e.js, projections.RunnerConfig{Namespace: e.namespace, Batch: 64, Metrics: m}, testLogger(t))
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, ps...) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("runner stopped with %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("runner did not stop within 30s of being asked")
			}
		})
	}
	t.Cleanup(stop)
	return &runner{stop: stop}
}

// testLogger writes the runner's log to the test's.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// tallyTables is what tally builds: every event it saw, and a count per
// stream.
const tallyTables = `
	CREATE TABLE seen (
		service text, position bigint, event_id uuid NOT NULL, type text NOT NULL, stream_id text NOT NULL, subject text NOT NULL,
		PRIMARY KEY (service, position));
	CREATE TABLE tally (
		service text, stream_id text, events int NOT NULL, last_position bigint NOT NULL,
		PRIMARY KEY (service, stream_id))`

// tally is a small read model: an event applied twice breaks its primary
// key, which stops it, so a test that ends with it running shows every event
// applied once.
func tally(name string) projections.Projection {
	return projections.Projection{Name: name, Services: []string{"placement", "mentoring"}, Tables: tallyTables, Apply: applyTally}
}

func applyTally(ctx context.Context, tx pgx.Tx, e projections.Event) error {
	var subject string
	switch p := e.Payload.(type) {
	case placement.SchoolRegistered:
		subject = p.SchoolID
	case placement.TeacherAdded:
		subject = p.TeacherID
	case mentoring.MentorTrainingRecorded:
		subject = p.TeacherID
	default:
		return fmt.Errorf("tally reads no %T", e.Payload)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO seen VALUES ($1, $2, $3, $4, $5, $6)", e.Service, e.Position, e.ID, e.Type, e.StreamID, subject); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO tally VALUES ($1, $2, 1, $3)
		ON CONFLICT (service, stream_id) DO UPDATE SET events = tally.events + 1, last_position = EXCLUDED.last_position`,
		e.Service, e.StreamID, e.Position)
	return err
}

// fussy is tally unable to apply a teacher being added.
func fussy(name string) projections.Projection {
	p := tally(name)
	p.Apply = func(ctx context.Context, tx pgx.Tx, e projections.Event) error {
		if e.Type == placement.TeacherAddedV1 {
			return errors.New("fussy cannot apply a teacher")
		}
		return applyTally(ctx, tx, e)
	}
	return p
}

// eventually polls cond until it holds, failing the test after a minute.
func eventually(t testing.TB, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok && err == nil {
			return
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("gave up waiting: %s (last error: %v)", what, last)
}

func checkpoint(ctx context.Context, db *pgxpool.Pool, p projections.Projection, service string) (int64, error) {
	cps, err := projections.Checkpoints(ctx, db, p)
	return cps[service], err
}

// caughtUp waits until p's checkpoint of each service is at its store's
// head.
func (e *env) caughtUp(t testing.TB, p projections.Projection) {
	t.Helper()
	for _, s := range p.Services {
		want := e.head(t, s)
		eventually(t, fmt.Sprintf("%s reaches %s position %d", p.Name, s, want), func() (bool, error) {
			cp, err := checkpoint(context.Background(), e.db, p, s)
			return cp == want, err
		})
	}
}

// count returns the rows of a table of p's read model.
func count(t *testing.T, db *pgxpool.Pool, p projections.Projection, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := fmt.Sprintf("SELECT count(*) FROM %s.%s %s", pgx.Identifier{p.Schema()}.Sanitize(), table, where)
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dump returns every row of every table of schema, in order.
func dump(t *testing.T, db *pgxpool.Pool, schema string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(ctx, fmt.Sprintf("SELECT t::text FROM %s.%s t ORDER BY 1", pgx.Identifier{schema}.Sanitize(), pgx.Identifier{table}.Sanitize()))
		if err != nil {
			t.Fatal(err)
		}
		if out[table], err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameTables fails the test unless the two schemas hold the same rows.
func sameTables(t *testing.T, db *pgxpool.Pool, a, b string) {
	t.Helper()
	da, dbb := dump(t, db, a), dump(t, db, b)
	if len(da) == 0 {
		t.Fatalf("%s holds no tables", a)
	}
	if !reflect.DeepEqual(da, dbb) {
		for table := range da {
			if !reflect.DeepEqual(da[table], dbb[table]) {
				t.Errorf("table %s differs: %s has %d rows, %s has %d\n%s: %.2000v\n%s: %.2000v", table, a, len(da[table]), b, len(dbb[table]), a, da[table], b, dbb[table])
			}
		}
		t.Fatalf("%s and %s differ (tables %v and %v)", a, b, keys(da), keys(dbb))
	}
}

func keys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// metric returns the value of a metric with the given labels.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; ok && v != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func TestEventsPublishedByTheRelayReachTheReadModelAndItsCheckpoint(t *testing.T) {
	e := newEnv(t)
	p := tally("tally")
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), p)

	e.record(t, "placement", 20)
	e.record(t, "mentoring", 10)
	e.caughtUp(t, p)
	if n := count(t, e.db, p, "seen", ""); n != 30 {
		t.Fatalf("seen holds %d events, want 30", n)
	}
	// Three streams of each service, events spread over them in turn.
	if n := count(t, e.db, p, "tally", "WHERE service = 'placement' AND stream_id = 'placement-0' AND events = 7 AND last_position = 19"); n != 1 {
		t.Fatalf("placement-0 is not tallied at 7 events up to position 19")
	}

	// A lone event, once the runner is idle, is applied too.
	e.record(t, "placement", 1)
	e.caughtUp(t, p)
	if got := metric(t, reg, "wsms_projection_events_total", map[string]string{"projection": "tally", "service": "placement"}); got != 21 {
		t.Errorf("events counted for placement: %v, want 21", got)
	}
	if got := metric(t, reg, "wsms_projection_position", map[string]string{"projection": "tally", "service": "mentoring"}); got != 10 {
		t.Errorf("position of mentoring: %v, want 10", got)
	}
	if stop, err := projections.Stopped(context.Background(), e.db, "tally"); err != nil || stop != nil {
		t.Fatalf("Stopped = %v, %v; want nothing", stop, err)
	}
}

func TestApplyingTheSameEventsAgainChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, "placement", 12)
	envs, err := e.writers["placement"].store.ReadAfter(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	twice, once := tally("twice"), tally("once")
	for _, p := range []projections.Projection{twice, once} {
		if err := projections.Ensure(ctx, e.db, p); err != nil {
			t.Fatal(err)
		}
	}
	reg := projections.Registry()
	apply := func(p projections.Projection, envs []events.Envelope, want int64) {
		t.Helper()
		cp, err := projections.Apply(ctx, e.db, reg, p, "placement", envs)
		if err != nil || cp != want {
			t.Fatalf("Apply = %d, %v; want checkpoint %d", cp, err, want)
		}
	}
	apply(twice, envs[:6], 6)
	before := dump(t, e.db, twice.Schema())
	apply(twice, envs[:6], 6) // the same batch delivered again
	if after := dump(t, e.db, twice.Schema()); !reflect.DeepEqual(before, after) {
		t.Fatalf("a redelivered batch changed the read model:\nbefore %v\nafter  %v", before, after)
	}
	apply(twice, envs[3:9], 9) // overlapping the checkpoint
	apply(twice, envs, 12)
	apply(twice, envs[11:], 12)

	apply(once, envs, 12)
	sameTables(t, e.db, twice.Schema(), once.Schema())
}

func TestRestartResumesFromTheCheckpointApplyingEveryEventOnce(t *testing.T) {
	e := newEnv(t)
	p := tally("tally")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Events keep arriving, a few at a time, while the runner stops and
	// starts again.
	writing := make(chan error, 1)
	go func() {
		for i := range 150 {
			for _, s := range []string{"placement", "mentoring"} {
				batch := make([]any, 1+i%4)
				for j := range batch {
					batch[j] = payload(s, i)
				}
				if err := e.writers[s].append(ctx, fmt.Sprintf("%s-%d", s, i%5), batch...); err != nil {
					writing <- err
					return
				}
			}
		}
		writing <- nil
	}()

	first := e.run(t, e.db, nil, p)
	eventually(t, "the first runner applies some events", func() (bool, error) {
		cp, err := checkpoint(ctx, e.db, p, "placement")
		return cp >= 40, err
	})
	first.stop()
	stoppedAt, err := projections.Checkpoints(ctx, e.db, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first runner stopped at %v", stoppedAt)

	e.run(t, e.db, nil, p)
	if err := <-writing; err != nil {
		t.Fatal(err)
	}
	e.caughtUp(t, p)
	for _, s := range p.Services {
		head := e.head(t, s)
		var n, lowest, highest int64
		if err := e.db.QueryRow(ctx, "SELECT count(*), min(position), max(position) FROM rm_tally.seen WHERE service = $1", s).Scan(&n, &lowest, &highest); err != nil {
			t.Fatal(err)
		}
		if n != head || lowest != 1 || highest != head {
			t.Errorf("%s: the read model saw %d events (%d to %d); the store holds %d", s, n, lowest, highest, head)
		}
		var tallied int64
		if err := e.db.QueryRow(ctx, "SELECT sum(events) FROM rm_tally.tally WHERE service = $1", s).Scan(&tallied); err != nil {
			t.Fatal(err)
		}
		if tallied != head {
			t.Errorf("%s: tallied %d events; the store holds %d", s, tallied, head)
		}
	}
	if stop, err := projections.Stopped(ctx, e.db, "tally"); err != nil || stop != nil {
		t.Fatalf("Stopped = %v, %v; want nothing", stop, err)
	}
}

func TestEachStreamHasADurableConsumerNamedAfterTheProjection(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := tally("school_tally")
	first := e.run(t, e.db, nil, p)
	e.record(t, "placement", 5)
	e.record(t, "mentoring", 3)
	e.caughtUp(t, p)

	created := map[string]time.Time{}
	for _, s := range p.Services {
		stream := relay.StreamName(e.namespace, s)
		var info *jetstream.ConsumerInfo
		eventually(t, "the consumer on "+stream+" acknowledges up to the checkpoint", func() (bool, error) {
			c, err := e.js.Consumer(ctx, stream, "school_tally")
			if err != nil {
				return false, err
			}
			info = c.CachedInfo()
			return int64(info.AckFloor.Stream) == e.head(t, s), nil
		})
		if info.Config.Durable != "school_tally" || info.Config.AckPolicy != jetstream.AckAllPolicy || info.Config.AckWait != 30*time.Second ||
			info.Config.MaxAckPending < 64 {
			t.Errorf("consumer on %s: durable %q, ack policy %v, ack wait %v, max ack pending %d",
				stream, info.Config.Durable, info.Config.AckPolicy, info.Config.AckWait, info.Config.MaxAckPending)
		}
		created[s] = info.Created
	}
	first.stop()

	// Standing at the checkpoint, the consumers are kept.
	second := e.run(t, e.db, nil, p)
	e.record(t, "placement", 2)
	e.record(t, "mentoring", 2)
	e.caughtUp(t, p)
	for _, s := range p.Services {
		c, err := e.js.Consumer(ctx, relay.StreamName(e.namespace, s), "school_tally")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.CachedInfo().Created; !got.Equal(created[s]) {
			t.Errorf("the consumer on %s was made again (created %v, then %v) though it stood at the checkpoint", s, created[s], got)
		}
	}
	second.stop()

	// The read model lost: PostgreSQL's checkpoint (zero) is the truth, and
	// the consumers are made again from the first event.
	if _, err := e.db.Exec(ctx, "DROP SCHEMA rm_school_tally CASCADE"); err != nil {
		t.Fatal(err)
	}
	e.run(t, e.db, nil, p)
	e.caughtUp(t, p)
	if n := count(t, e.db, p, "seen", ""); n != 12 {
		t.Fatalf("seen holds %d events after starting over, want 12", n)
	}
	for _, s := range p.Services {
		c, err := e.js.Consumer(ctx, relay.StreamName(e.namespace, s), "school_tally")
		if err != nil {
			t.Fatal(err)
		}
		if c.CachedInfo().Created.Equal(created[s]) {
			t.Errorf("the consumer on %s was kept though it stood past the checkpoint", s)
		}
	}
}

func TestAnEventThatCannotBeAppliedStopsItsProjectionAndNoOther(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if stop, err := projections.Stopped(ctx, e.db, "fussy"); err != nil || stop != nil {
		t.Fatalf("before any runner, Stopped = %v, %v; want nothing", stop, err)
	}
	steady, broken := tally("steady"), fussy("fussy")
	reg := prometheus.NewRegistry()
	r := e.run(t, e.db, projections.NewMetrics(reg), steady, broken)

	e.record(t, "placement", 3)
	e.record(t, "mentoring", 2)
	if err := e.writers["placement"].append(ctx, "school-9", placement.TeacherAdded{SchoolID: "school-9", TeacherID: "teacher-9"}); err != nil {
		t.Fatal(err)
	}
	e.record(t, "placement", 2)

	var stop *projections.PoisonError
	eventually(t, "fussy is stopped", func() (bool, error) {
		var err error
		stop, err = projections.Stopped(ctx, e.db, "fussy")
		return stop != nil, err
	})
	poison, err := e.writers["placement"].store.ReadAfter(ctx, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Projection != "fussy" || stop.Service != "placement" || stop.Position != 4 || stop.EventID != poison[0].ID.String() ||
		stop.Type != placement.TeacherAddedV1 || !strings.Contains(stop.Err.Error(), "fussy cannot apply a teacher") {
		t.Fatalf("recorded stop %+v; want fussy at placement position 4, event %s", stop, poison[0].ID)
	}

	// The others go on; fussy stays where it stopped, on every service.
	e.caughtUp(t, steady)
	e.record(t, "mentoring", 2)
	e.caughtUp(t, steady)
	cps, err := projections.Checkpoints(ctx, e.db, broken)
	if err != nil {
		t.Fatal(err)
	}
	if cps["placement"] != 3 || cps["mentoring"] > 2 {
		t.Fatalf("fussy moved on after its stop: checkpoints %v", cps)
	}
	if got := metric(t, reg, "wsms_projection_stopped", map[string]string{"projection": "fussy"}); got != 1 {
		t.Errorf("wsms_projection_stopped{fussy} = %v, want 1", got)
	}
	if got := metric(t, reg, "wsms_projection_poison_events_total", map[string]string{"projection": "fussy"}); got != 1 {
		t.Errorf("wsms_projection_poison_events_total{fussy} = %v, want 1", got)
	}
	if got := metric(t, reg, "wsms_projection_stopped", map[string]string{"projection": "steady"}); got != 0 {
		t.Errorf("wsms_projection_stopped{steady} = %v, want 0", got)
	}
	r.stop()

	// Started again with the code fixed, it gets past the event and the
	// stop is cleared.
	fixed := tally("fussy")
	e.run(t, e.db, nil, fixed)
	e.caughtUp(t, fixed)
	eventually(t, "the stop is cleared", func() (bool, error) {
		stop, err := projections.Stopped(ctx, e.db, "fussy")
		return stop == nil, err
	})
	if n := count(t, e.db, fixed, "seen", "WHERE type = $1", placement.TeacherAddedV1); n != 1 {
		t.Fatalf("the fixed projection holds %d teachers, want 1", n)
	}
}

func TestAPoisonEventStopsTheProjectionWhenStartedAgainWithTheSameCode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	broken := fussy("fussy")
	if err := e.writers["placement"].append(ctx, "school-9", placement.TeacherAdded{SchoolID: "school-9", TeacherID: "teacher-9"}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	r := e.run(t, e.db, projections.NewMetrics(reg), broken)
	eventually(t, "fussy is stopped", func() (bool, error) {
		return metric(t, reg, "wsms_projection_poison_events_total", map[string]string{"projection": "fussy"}) == 1, nil
	})
	r.stop()
	// A later start tries again, and stops again, once.
	reg = prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), broken)
	eventually(t, "fussy tries the event again and stops", func() (bool, error) {
		return metric(t, reg, "wsms_projection_poison_events_total", map[string]string{"projection": "fussy"}) == 1, nil
	})
	stop, err := projections.Stopped(ctx, e.db, "fussy")
	if err != nil || stop == nil || stop.Position != 1 {
		t.Fatalf("Stopped = %v, %v; want the stop at position 1", stop, err)
	}
	if cp, err := checkpoint(ctx, e.db, broken, "placement"); err != nil || cp != 0 {
		t.Fatalf("checkpoint = %d, %v; want 0", cp, err)
	}
}

// witnessed records which process applied each event.
func witnessed() projections.Projection {
	return projections.Projection{
		Name: "witnessed", Services: []string{"placement", "mentoring"},
		Tables: `CREATE TABLE applied (service text, position bigint, runner text NOT NULL, PRIMARY KEY (service, position))`,
		Apply: func(ctx context.Context, tx pgx.Tx, e projections.Event) error {
			_, err := tx.Exec(ctx, "INSERT INTO applied VALUES ($1, $2, current_setting('application_name'))", e.Service, e.Position)
			return err
		},
	}
}

func TestOfTwoRunnersOnlyOneAppliesAndTheOtherTakesOver(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := witnessed()
	runners := map[string]*runner{
		"runner-a": e.run(t, newPool(t, e.url, "runner-a"), nil, p),
		"runner-b": e.run(t, newPool(t, e.url, "runner-b"), nil, p),
	}
	e.record(t, "placement", 30)
	e.record(t, "mentoring", 30)
	e.caughtUp(t, p)

	appliers := func(service string, after int64) []string {
		rows, err := e.db.Query(ctx, "SELECT DISTINCT runner FROM rm_witnessed.applied WHERE service = $1 AND position > $2 ORDER BY 1", service, after)
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	holder := map[string]string{}
	for _, s := range p.Services {
		got := appliers(s, 0)
		if len(got) != 1 {
			t.Fatalf("%s events were applied by %v; want one runner", s, got)
		}
		holder[s] = got[0]
	}

	// The runner applying placement goes; the other takes over.
	gone := holder["placement"]
	runners[gone].stop()
	heads := map[string]int64{"placement": e.head(t, "placement"), "mentoring": e.head(t, "mentoring")}
	e.record(t, "placement", 30)
	e.record(t, "mentoring", 30)
	e.caughtUp(t, p)
	for _, s := range p.Services {
		if got := appliers(s, heads[s]); len(got) != 1 || got[0] == gone {
			t.Errorf("after %s stopped, %s events were applied by %v", gone, s, got)
		}
		if n := count(t, e.db, p, "applied", "WHERE service = $1", s); n != e.head(t, s) {
			t.Errorf("%s: %d events applied, the store holds %d", s, n, e.head(t, s))
		}
	}
}

// BenchmarkEventToReadModel measures how long an event takes from its
// append to the store until its projection's batch announces it: the relay,
// JetStream, the runner and the batch's transaction, one event at a time.
func BenchmarkEventToReadModel(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	p := tally("bench")
	e.run(b, e.db, nil, p)
	e.record(b, "placement", 1)
	e.caughtUp(b, p)

	conn, err := e.db.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+projections.Notifications); err != nil {
		b.Fatal(err)
	}
	store := e.writers["placement"].store
	version := e.writers["placement"].versions["placement-0"]
	var took []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		name, data, err := e.writers["placement"].registry.Encode(payload("placement", i))
		if err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		res, err := store.Append(ctx, eventstore.Append{StreamID: "placement-0", ExpectedVersion: version,
			Events: []eventstore.Pending{{Type: name, Data: data}}, Actor: events.Actor{ID: "office-1", Role: events.RoleOffice},
			CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: began})
		if err != nil {
			b.Fatal(err)
		}
		version++
		want := fmt.Sprintf("bench placement %d", res.Position)
		for {
			n, err := conn.Conn().WaitForNotification(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n.Payload == want {
				break
			}
		}
		took = append(took, time.Since(began))
	}
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func TestCreatingAReadModelAnnouncesEachCheckpointAtZero(t *testing.T) {
	// Given a listener on the projections' notifications
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := e.db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+projections.Notifications); err != nil {
		t.Fatal(err)
	}

	// When a read model is created (first, or again after an operator
	// dropped it)
	if err := projections.Ensure(ctx, e.db, tally("fresh")); err != nil {
		t.Fatal(err)
	}

	// Then each of its checkpoints is announced at zero, so that whoever
	// waits on positions it had reached before learns they are gone.
	var got []string
	for len(got) < 2 {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("notifications %v, then %v", got, err)
		}
		got = append(got, n.Payload)
	}
	slices.Sort(got)
	if want := []string{"fresh mentoring 0", "fresh placement 0"}; !slices.Equal(got, want) {
		t.Fatalf("notifications %v, want %v", got, want)
	}
}

func TestAReadModelDroppedWhileRunningIsBuiltAgainFromTheFirstEvent(t *testing.T) {
	// Given a running projection that has applied some events
	e := newEnv(t)
	ctx := context.Background()
	p := tally("tally")
	e.run(t, e.db, nil, p)
	e.record(t, "placement", 5)
	e.caughtUp(t, p)

	// When an operator drops its schema and more events come
	if _, err := e.db.Exec(ctx, "DROP SCHEMA rm_tally CASCADE"); err != nil {
		t.Fatal(err)
	}
	e.record(t, "placement", 3)

	// Then the runner makes it again and applies every event to it.
	e.caughtUp(t, p)
	if n := count(t, e.db, p, "seen", ""); n != 8 {
		t.Fatalf("the read model holds %d events, want 8", n)
	}
}

func TestABatchCountsOnlyTheEventsItApplied(t *testing.T) {
	// Given a read model already past some events (as a rebuild's swap
	// leaves it for a live batch read before it)
	e := newEnv(t)
	ctx := context.Background()
	p := tally("tally")
	if err := projections.Ensure(ctx, e.db, p); err != nil {
		t.Fatal(err)
	}
	e.record(t, "placement", 8)
	envs, err := e.writers["placement"].store.ReadAfter(ctx, 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	reg := projections.Registry()
	if _, err := projections.Apply(ctx, e.db, reg, p, "placement", envs[:6]); err != nil {
		t.Fatal(err)
	}

	// When a batch from the first event is applied
	cp, applied, err := projections.ApplyCounting(ctx, e.db, reg, p, "placement", envs)

	// Then it counts the two events it applied, not the eight it moved past.
	if err != nil || cp != 8 || applied != 2 {
		t.Fatalf("batch = checkpoint %d, %d applied, %v; want checkpoint 8, 2 applied", cp, applied, err)
	}
}
