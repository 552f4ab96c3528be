package bench_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/forum"
	"wsms/mentoring"
	md "wsms/mentoring/domain"
	"wsms/placement"
	pd "wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/eventstore"
	"wsms/platform/relay"
	"wsms/platform/servicetest"
	"wsms/projections"
	"wsms/projections/readmodels"
	"wsms/tools/bench"
	"wsms/tools/demo"
)

// commandTarget is the p99 command-to-dashboard latency the system is meant
// to keep at 500 commands/s.
const commandTarget = 25 * time.Millisecond

// Open-loop load: each rate runs for rateDuration (commands for
// commandDuration), sent by senders goroutines at scheduled times whatever
// the replies do, after warmUp unmeasured at the same rate: the figures are
// the steady state at that rate, not the first seconds of a step up to it,
// while the pools open the connections the higher rate needs.
const (
	rateDuration    = 3 * time.Second
	commandDuration = 10 * time.Second
	warmUp          = 2 * time.Second
	senders         = 64
	// observedRecords is how many mentoring records the observations
	// spread over, so that two of them rarely race for one record.
	observedRecords = 256
)

var rates = []int{100, 250, 500}

// system is every service, the projections and the watcher running in this
// process on one database and one NATS, as `wsms run` runs them.
type system struct {
	db        *pgxpool.Pool
	nc        *nats.Conn
	js        jetstream.JetStream
	namespace string
	watcher   *projections.Watcher
}

func startSystem(b *testing.B) system {
	// Relays and the watcher each hold a connection for LISTEN, and every
	// command and batch wants one besides: a pool as large as `wsms run`
	// gives them, not dbtest's few.
	e := servicetest.RunAll(b, 32, placement.Spec, mentoring.Spec, forum.Spec)
	s := system{db: e.DB, nc: e.NATS, namespace: e.Namespace}
	var err error
	if s.js, err = jetstream.New(s.nc); err != nil {
		b.Fatal(err)
	}
	all := readmodels.All()
	readsMentoring := false
	for _, p := range all {
		for _, service := range p.Services {
			readsMentoring = readsMentoring || service == "mentoring"
		}
	}
	if !readsMentoring {
		b.Fatal("no projection reads the mentoring service: command-to-dashboard would measure nothing")
	}
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	runner := projections.NewRunner(s.db, s.js, projections.RunnerConfig{Namespace: s.namespace}, log)
	s.watcher = projections.NewWatcher(s.db, all, log)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := runner.Run(ctx, all...); err != nil {
			b.Error(err)
		}
	})
	wg.Go(func() { _ = s.watcher.Run(ctx) })
	b.Cleanup(func() { cancel(); wg.Wait() })
	return s
}

func (s system) send(ctx context.Context, svc, name string, actor events.Actor, c any) (eventstore.Result, error) {
	return command.Send(ctx, s.nc, command.Subject(s.namespace, svc, name), command.Request[any]{Command: c, Actor: actor})
}

// observed is a mentoring record open for observations, and a teacher of
// its host school who observes.
type observed struct {
	recordID, subject string
	teacher           events.Actor
	lesson            ep.Date
}

// seed loads the demo's partnership year (schools, agreements, a round
// allocated, published and confirmed), and opens observedRecords mentoring
// records on its schools, all by commands. It returns the records, once every read model
// shows all of it.
func seed(b *testing.B, s system) []observed {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := demo.Load(ctx, s.nc, s.namespace); err != nil {
		b.Fatal(err)
	}
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	round, err := eventstore.New(s.db, "placement").Load(ctx, pd.RoundStream(demo.RoundID))
	if err != nil {
		b.Fatal(err)
	}
	reg := projections.Registry()
	var opened ep.PlacementRoundOpened
	var allocation ep.AllocationRecorded
	for _, env := range round {
		payload, err := reg.Decode(env.Type, env.Data)
		if err != nil {
			b.Fatal(err)
		}
		switch p := payload.(type) {
		case ep.PlacementRoundOpened:
			opened = p
		case ep.AllocationRecorded:
			allocation = p
		}
	}
	if len(allocation.Placements) == 0 {
		b.Fatal("the demo's allocation placed nobody")
	}
	// The demo publishes the round and confirms its placements itself.
	head, err := eventstore.New(s.db, "placement").Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.watcher.Wait(ctx, "placement", head); err != nil {
		b.Fatal(err)
	}
	var last eventstore.Result
	records := make([]observed, observedRecords)
	for i := range records {
		p := allocation.Placements[i%len(allocation.Placements)]
		student := uuid.NewString()
		records[i] = observed{recordID: em.RecordIDFor(demo.RoundID, student), subject: p.Subject, lesson: opened.Windows[0].From,
			teacher: events.Actor{ID: "teacher-" + strconv.Itoa(i), Role: events.RoleMentor, SchoolID: p.SchoolID}}
		if last, err = s.send(ctx, "mentoring", "open-mentoring-record", office, md.OpenMentoringRecord{RecordID: records[i].recordID,
			RoundID: demo.RoundID, StudentID: student, SchoolID: p.SchoolID, Subject: p.Subject, Windows: opened.Windows}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.watcher.Wait(ctx, "mentoring", last.Position); err != nil {
		b.Fatal(err)
	}
	return records
}

// load is what an open-loop run measured: how long each call took from its
// scheduled time, the rate of calls achieved and the calls that failed.
type load struct {
	took     bench.Latencies
	achieved float64
	failed   []error
}

// openLoop runs op rate times a second for d, each call at its scheduled
// time whatever the earlier ones are doing. A call is timed from its
// scheduled time, so a late sender counts against the figure, not for it.
func openLoop(rate int, d time.Duration, op func(i int) error) load {
	n := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	jobs := make(chan int, n)
	for i := range n {
		jobs <- i
	}
	close(jobs)
	took := make([]time.Duration, n)
	var failed []error
	var mu sync.Mutex
	var done atomic.Int64
	start := time.Now().Add(20 * time.Millisecond)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for i := range jobs {
				at := start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(at))
				if err := op(i); err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
					continue
				}
				took[i] = time.Since(at)
				if end := time.Since(start); int64(end) > done.Load() {
					done.Store(int64(end))
				}
			}
		})
	}
	wg.Wait()
	lat := make(bench.Latencies, 0, n)
	for _, d := range took {
		if d > 0 {
			lat = append(lat, d)
		}
	}
	return load{took: lat, achieved: float64(len(lat)) / time.Duration(done.Load()).Seconds(), failed: failed}
}

// report reports the percentiles and the rate achieved, and fails b when a
// call failed.
func (l load) report(b *testing.B) {
	if len(l.failed) > 0 {
		b.Errorf("%d of %d failed, the first with %v", len(l.failed), len(l.failed)+len(l.took), l.failed[0])
	}
	l.took.Report(b)
	b.ReportMetric(l.achieved, "ops/s")
}

// BenchmarkCommandToDashboard sends record-observation commands to the
// running mentoring service at fixed rates, open loop, and measures each
// from its scheduled send to the moment the watcher says every projection
// reading the mentoring service has reached the command's position: what a
// dashboard waits before it shows the observation. Beside it, the raw
// limits of the same machine at the same rate: a plain INSERT committed
// (raw-insert), and a JetStream publish received by a pull consumer
// (raw-jetstream). The command path does one and then the other, plus the
// decision, the relay and the projections' transactions.
func BenchmarkCommandToDashboard(b *testing.B) {
	s := startSystem(b)
	records := seed(b, s)
	ctx := context.Background()

	if _, err := s.db.Exec(ctx, "CREATE TABLE bench_scratch (id bigint PRIMARY KEY, sent timestamptz NOT NULL, body text NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	var inserted atomic.Int64
	scratch := relay.Config{Service: "scratch", Namespace: s.namespace}.StreamConfig()
	if _, err := s.js.CreateStream(ctx, scratch); err != nil {
		b.Fatal(err)
	}
	cons, err := s.js.CreateConsumer(ctx, scratch.Name, jetstream.ConsumerConfig{AckPolicy: jetstream.AckNonePolicy})
	if err != nil {
		b.Fatal(err)
	}
	var waiting sync.Map // message id -> chan struct{}
	consuming, err := cons.Consume(func(m jetstream.Msg) {
		if ch, ok := waiting.LoadAndDelete(m.Headers().Get(jetstream.MsgIDHeader)); ok {
			close(ch.(chan struct{}))
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(consuming.Stop)
	body := `{"recordId":"` + records[0].recordID + `","content":{"topic":"Persuasive writing"}}`

	insert := func(int) error {
		_, err := s.db.Exec(ctx, "INSERT INTO bench_scratch VALUES ($1, now(), $2)", inserted.Add(1), body)
		return err
	}
	observe := func(i int) error {
		r := records[i%len(records)]
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		res, err := s.send(ctx, "mentoring", "record-observation", r.teacher, md.RecordObservation{RecordID: r.recordID,
			ObservationID: uuid.NewString(), Content: bench.Lesson(r.lesson, r.subject, i)})
		if err != nil {
			return err
		}
		return s.watcher.Wait(ctx, "mentoring", res.Position)
	}
	publish := func(int) error {
		id := uuid.NewString()
		received := make(chan struct{})
		waiting.Store(id, received)
		msg := nats.NewMsg(s.namespace + ".scratch.bench")
		msg.Data = []byte(body)
		msg.Header.Set(jetstream.MsgIDHeader, id)
		if _, err := s.js.PublishMsg(ctx, msg); err != nil {
			return err
		}
		select {
		case <-received:
			return nil
		case <-time.After(10 * time.Second):
			return fmt.Errorf("message %s not received", id)
		}
	}
	if l := openLoop(rates[0], warmUp, observe); len(l.failed) > 0 {
		b.Fatal(l.failed[0])
	}

	// Each is measured after a warm-up at the same rate.
	measure := func(b *testing.B, rate int, d time.Duration, op func(int) error) {
		openLoop(rate, warmUp, op)
		openLoop(rate, d, op).report(b)
	}
	for _, rate := range rates {
		b.Run(fmt.Sprintf("raw-insert/rate=%d", rate), func(b *testing.B) { measure(b, rate, rateDuration, insert) })
		b.Run(fmt.Sprintf("raw-jetstream/rate=%d", rate), func(b *testing.B) { measure(b, rate, rateDuration, publish) })
		b.Run(fmt.Sprintf("record-observation/rate=%d", rate), func(b *testing.B) {
			measure(b, rate, commandDuration, observe)
			if rate == 500 {
				bench.Target(b, commandTarget)
			}
		})
	}
}
