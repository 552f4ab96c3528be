package relay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/crashtest"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/platform/natstest"
	"wsms/platform/relay"
	"wsms/schema"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var storeSet = migrate.Set{Schema: "placement", Files: schema.EventStore()}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func pendingEvents(n int, tag string) []eventstore.Pending {
	p := make([]eventstore.Pending, n)
	for i := range p {
		p[i] = eventstore.Pending{Type: "placement.school.renamed.v1", Data: json.RawMessage(fmt.Sprintf(`{"name":%q}`, tag+strconv.Itoa(i)))}
	}
	return p
}

func appendNew(ctx context.Context, s *eventstore.Store, stream string, n int) error {
	_, err := s.Append(ctx, eventstore.Append{
		StreamID: stream, Events: pendingEvents(n, stream), Actor: events.Actor{ID: "office", Role: events.RoleOffice},
		CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Now(),
	})
	return err
}

// runRelay runs r until the test ends.
func runRelay(t *testing.T, r *relay.Relay) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay: %v", err)
		}
	})
}

// waitPublished waits, bounded, until the relay's checkpoint reaches the
// store's head.
func waitPublished(t *testing.T, s *eventstore.Store, service string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		head, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := s.Checkpoint(ctx, service)
		if err != nil {
			t.Fatal(err)
		}
		if cp == head {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("relay stalled at checkpoint %d of %d", cp, head)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamOf returns the service's stream and its state.
func streamOf(t *testing.T, nc *nats.Conn, cfg relay.Config) (jetstream.Stream, *jetstream.StreamInfo) {
	t.Helper()
	ctx := context.Background()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, relay.StreamName(cfg.Namespace, cfg.Service))
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return stream, info
}

// assertStreamIsLog checks that the stream holds every committed event of
// the store exactly once, in position order, with its id as Nats-Msg-Id.
func assertStreamIsLog(t *testing.T, nc *nats.Conn, s *eventstore.Store, cfg relay.Config) {
	t.Helper()
	ctx := context.Background()
	log, err := s.ReadAfter(ctx, 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	stream, info := streamOf(t, nc, cfg)
	if info.State.Msgs != uint64(len(log)) {
		t.Fatalf("stream holds %d messages, the log %d events", info.State.Msgs, len(log))
	}
	for i, e := range log {
		msg, err := stream.GetMsg(ctx, uint64(i+1))
		if err != nil {
			t.Fatalf("stream message %d: %v", i+1, err)
		}
		if msg.Header.Get(jetstream.MsgIDHeader) != e.ID.String() || msg.Header.Get(events.HeaderPosition) != strconv.FormatInt(e.Position, 10) {
			t.Fatalf("stream message %d is %s at position %s, want event %s at position %d",
				i+1, msg.Header.Get(jetstream.MsgIDHeader), msg.Header.Get(events.HeaderPosition), e.ID, e.Position)
		}
		if want := cfg.Namespace + ".placement.school.renamed"; msg.Subject != want {
			t.Fatalf("subject %q, want %q", msg.Subject, want)
		}
		var got events.Envelope
		if err := json.Unmarshal(msg.Data, &got); err != nil || got.ID != e.ID || got.StreamVersion != e.StreamVersion || string(got.Data) != string(e.Data) {
			t.Fatalf("stream message %d carries %+v (%v), want %+v", i+1, got, err, e)
		}
	}
}

// TestConcurrentWritersEachEventOnceInOrder has sixteen writers append
// while they sleep at random inside their transactions, before and after
// taking positions, and roll back one transaction in five, while two relays
// run. Every committed event must be published exactly once, in order, and
// no relay may wait on a rolled-back transaction.
func TestConcurrentWritersEachEventOnceInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t, storeSet)
	s := eventstore.New(db, "placement")
	ns := natstest.Start(t)
	nc := ns.Connect(t)
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace(), BatchSize: 50}
	// Two replicas of the service each run a relay; one leads at a time.
	for range 2 {
		r, err := relay.New(s, nc, cfg, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		runRelay(t, r)
	}

	const writers, appends = 16, 20
	var wg sync.WaitGroup
	var committed, rolledBack sync.Map
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range appends {
				stream := fmt.Sprintf("school-%d-%d", w, i)
				rollback := rng.IntN(5) == 0
				err := writeSlowly(ctx, db, s, stream, 1+rng.IntN(3), rng, rollback)
				switch {
				case err == errRolledBack:
					rolledBack.Store(stream, true)
				case err != nil:
					t.Errorf("writer %d: %v", w, err)
					return
				default:
					committed.Store(stream, true)
				}
			}
		})
	}
	wg.Wait()
	waitPublished(t, s, "placement")
	assertStreamIsLog(t, nc, s, cfg)

	// Nothing of a rolled-back transaction was published; everything
	// committed was.
	rolledBack.Range(func(k, _ any) bool {
		if evs, _ := s.Load(ctx, k.(string)); len(evs) != 0 {
			t.Errorf("rolled-back stream %s has events", k)
		}
		return true
	})
	n := 0
	committed.Range(func(k, _ any) bool {
		n++
		if evs, _ := s.Load(ctx, k.(string)); len(evs) == 0 {
			t.Errorf("committed stream %s has no events", k)
		}
		return true
	})
	if n == 0 {
		t.Fatal("no writer committed anything")
	}
}

var errRolledBack = fmt.Errorf("rolled back on purpose")

func writeSlowly(ctx context.Context, db *pgxpool.Pool, s *eventstore.Store, stream string, n int, rng *rand.Rand, rollback bool) error {
	nap := func() { time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond) }
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		nap()
		_, err := s.AppendTx(ctx, tx, eventstore.Append{
			StreamID: stream, Events: pendingEvents(n, stream), Actor: events.Actor{ID: "office", Role: events.RoleOffice},
			CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Now(),
		})
		if err != nil {
			return err
		}
		nap()
		if rollback {
			return errRolledBack
		}
		return nil
	})
}

// TestRelayKilledBetweenPublishAndCheckpoint kills a relay process with
// SIGKILL right after JetStream acknowledged a batch and before the
// checkpoint was saved, twice, then lets a relay finish: no event is lost
// and none is stored twice.
func TestRelayKilledBetweenPublishAndCheckpoint(t *testing.T) {
	const name = "TestRelayKilledBetweenPublishAndCheckpoint"
	if crashtest.InChild(name) {
		relayChild(t)
		return
	}
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t, storeSet)
	db, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := eventstore.New(db, "placement")
	ns := natstest.Start(t)
	nc := ns.Connect(t)
	// Batches of 10, up to 4 in flight: a relay killed after its first
	// acknowledgement has published at most 40 of the 200 events.
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace(), BatchSize: 10}
	for i := range 200 {
		if err := appendNew(ctx, s, fmt.Sprintf("school-%d", i), 1); err != nil {
			t.Fatal(err)
		}
	}
	child := func(killAfterBatch int) func(ctx context.Context) *exec.Cmd {
		return func(ctx context.Context) *exec.Cmd {
			return crashtest.Start(ctx, t, name, map[string]string{"DB": url, "NATS": ns.URL, "NS": cfg.Namespace, "KILL_AFTER": strconv.Itoa(killAfterBatch)})
		}
	}
	var before uint64
	for round := 1; round <= 2; round++ {
		crashtest.WaitKilled(t, fmt.Sprintf("round %d", round), child(1))
		_, info := streamOf(t, nc, cfg)
		cp, _ := s.Checkpoint(ctx, "placement")
		if published := info.State.LastSeq; published <= uint64(cp) || published <= before {
			t.Fatalf("round %d: stream at %d (was %d), checkpoint %d: the kill must land after new publishes and before their checkpoint",
				round, published, before, cp)
		}
		before = info.State.LastSeq
	}
	wait, cancel := context.WithCancel(ctx)
	cmd := child(0)(wait)
	waitPublished(t, s, "placement")
	cancel()
	_ = cmd.Wait()
	assertStreamIsLog(t, nc, s, cfg)
}

// relayChild is the relay process of TestRelayKilledBetweenPublishAndCheckpoint.
func relayChild(t *testing.T) {
	ctx := context.Background()
	db, err := pgxpool.New(ctx, crashtest.Env("DB"))
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(crashtest.Env("NATS"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := relay.New(eventstore.New(db, "placement"), nc,
		relay.Config{Service: "placement", Namespace: crashtest.Env("NS"), BatchSize: 10}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	killAfter, _ := strconv.Atoi(crashtest.Env("KILL_AFTER"))
	batches := 0
	r.SetAfterPublish(func() {
		batches++
		if batches == killAfter {
			crashtest.Crash()
		}
	})
	_ = r.Run(ctx)
}

// TestNATSOutageUnderLoad stops NATS for two seconds while writers append,
// then starts it again: the relay catches up and nothing is lost or doubled.
func TestNATSOutageUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := natstest.Start(t)
	if !ns.Embedded() {
		t.Skip("stopping NATS needs the embedded server; TEST_NATS_URL points at one this test cannot stop")
	}
	db := dbtest.New(t, storeSet)
	s := eventstore.New(db, "placement")
	nc := ns.Connect(t)
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace(), BatchSize: 20,
		AckTimeout: 500 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Idle: 100 * time.Millisecond}
	r, err := relay.New(s, nc, cfg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runRelay(t, r)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := appendNew(ctx, s, fmt.Sprintf("school-%d-%d", w, i), 2); err != nil {
					t.Errorf("append: %v", err)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	ns.Stop()
	time.Sleep(2 * time.Second)
	ns.Restart()
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	waitPublished(t, s, "placement")
	assertStreamIsLog(t, nc, s, cfg)
}

// TestStreamDropsARepublishedEvent publishes one event twice with its id as
// Nats-Msg-Id, as a relay restarting inside the duplicate window would: the
// declared stream keeps one copy.
func TestStreamDropsARepublishedEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := natstest.Start(t)
	nc := ns.Connect(t)
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace()}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, cfg.StreamConfig())
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.Must(uuid.NewV7()).String()
	for range 2 {
		if _, err := js.Publish(ctx, cfg.Namespace+".placement.school.registered", []byte(`{}`), jetstream.WithMsgID(id)); err != nil {
			t.Fatal(err)
		}
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Fatalf("stream holds %d copies, want 1", info.State.Msgs)
	}
}
