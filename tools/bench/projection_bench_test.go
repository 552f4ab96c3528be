package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/platform/natstest"
	"wsms/platform/relay"
	"wsms/projections"
	rmentoring "wsms/projections/mentoring"
	"wsms/schema"
	"wsms/tools/bench"
)

// throughputScale gives about 20,000 mentoring events: 200 records opened,
// given a mentor and a tutor, and observed 96 times each.
var throughputScale = bench.Scale{Schools: 20, StudentTeachers: 200, Observations: 19_200}

// watermillEvents is how many of them the watermill router applies: at one
// transaction an event it is slow enough that the first few thousand give
// its rate, and the whole stream would take minutes.
const watermillEvents = 5000

// runnerBatch is the runner's batch, and the raw limits'.
const runnerBatch = 256

// BenchmarkProjection measures the mentoring read model built from the
// mentoring service's stream on real JetStream and PostgreSQL, in events/s:
//
//   - runner: our runner (a pull consumer, up to runnerBatch events a
//     transaction, checkpoint in the same transaction);
//   - watermill: a watermill router with the watermill-nats JetStream
//     subscriber (TrackMsgId on, AckAsync off, NATSMarshaler), its handler
//     applying each message as a one-event batch with projections.Apply,
//     which is all a handler given one message can do (on the first
//     watermillEvents events only);
//   - rebuild: projections.Rebuild from the event store into shadow tables.
//
// Beside them, the raw limits of the same run: a pull consumer fetching
// and acknowledging the same stream in batches (raw-consume), and plain
// INSERTs of observation-sized rows, runnerBatch to a transaction
// (raw-insert). The events are appended to the event store and published by
// the real relay before any clock starts.
func BenchmarkProjection(b *testing.B) {
	ctx := context.Background()
	ns := natstest.Start(b)
	nc := ns.Connect(b)
	namespace := natstest.Namespace()
	db := dbtest.New(b, migrate.Set{Schema: "mentoring", Files: schema.EventStore()})
	n := publish(b, db, nc, namespace)
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	stream := relay.StreamName(namespace, "mentoring")
	log := slog.New(slog.DiscardHandler)

	b.Run("raw-consume", func(b *testing.B) {
		cons, err := js.CreateConsumer(ctx, stream, jetstream.ConsumerConfig{AckPolicy: jetstream.AckAllPolicy, MaxAckPending: 2 * runnerBatch})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for got := 0; got < n; {
			batch, err := cons.Fetch(min(runnerBatch, n-got))
			if err != nil {
				b.Fatal(err)
			}
			var last jetstream.Msg
			for m := range batch.Messages() {
				last = m
				got++
			}
			if last == nil {
				b.Fatalf("the stream ended after %d of %d events", got, n)
			}
			if err := last.Ack(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("raw-insert", func(b *testing.B) {
		if _, err := db.Exec(ctx, `CREATE TABLE bench_rows (record_id text, observation_id text, ratings jsonb, strengths text,
			action_points text[], PRIMARY KEY (record_id, observation_id))`); err != nil {
			b.Fatal(err)
		}
		ratings := `{"planning": 3, "strategies": 2, "management": 4, "assessment": 3, "conduct": 4, "reflection": 2}`
		b.ResetTimer()
		for from := 0; from < n; from += runnerBatch {
			err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
				var batch pgx.Batch
				for i := from; i < min(from+runnerBatch, n); i++ {
					batch.Queue("INSERT INTO bench_rows VALUES ($1, $2, $3, $4, $5)", fmt.Sprint(i%500), fmt.Sprint(i), ratings,
						"Clear modelling of the task", []string{"Plan open questions"})
				}
				return tx.SendBatch(ctx, &batch).Close()
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("runner", func(b *testing.B) {
		p := rmentoring.Projection
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		b.ResetTimer()
		go func() {
			done <- projections.NewRunner(db, js, projections.RunnerConfig{Namespace: namespace, Batch: runnerBatch}, log).Run(runCtx, p)
		}()
		waitForCheckpoint(b, db, p, n)
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("watermill", func(b *testing.B) {
		// The same projection under another name: its own schema and
		// checkpoint in the same database.
		p := rmentoring.Projection
		p.Name = "mentoring_watermill"
		if err := projections.Ensure(ctx, db, p); err != nil {
			b.Fatal(err)
		}
		sub, err := wmnats.NewSubscriberWithNatsConn(nc, wmnats.SubscriberSubscriptionConfig{
			Unmarshaler:      &wmnats.NATSMarshaler{},
			QueueGroupPrefix: p.Name,
			JetStream: wmnats.JetStreamConfig{
				TrackMsgId: true, AckAsync: false, DurablePrefix: p.Name,
				SubscribeOptions: []nats.SubOpt{nats.BindStream(stream), nats.DeliverAll(), nats.AckExplicit()},
			},
		}, watermill.NopLogger{})
		if err != nil {
			b.Fatal(err)
		}
		router, err := message.NewRouter(message.RouterConfig{}, watermill.NopLogger{})
		if err != nil {
			b.Fatal(err)
		}
		reg := projections.Registry()
		router.AddConsumerHandler(p.Name, namespace+".mentoring.>", sub, func(m *message.Message) error {
			var env events.Envelope
			if err := json.Unmarshal(m.Payload, &env); err != nil {
				return err
			}
			_, err := projections.Apply(m.Context(), db, reg, p, "mentoring", []events.Envelope{env})
			return err
		})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		b.ResetTimer()
		go func() { done <- router.Run(runCtx) }()
		waitForCheckpoint(b, db, p, watermillEvents)
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(watermillEvents/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("rebuild", func(b *testing.B) {
		b.ResetTimer()
		if err := projections.Rebuild(ctx, db, rmentoring.Projection, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
}

// publish appends a generated world's mentoring events to the event store,
// each stream's in order, runs the relay until it has published them all to
// the service's stream, and returns how many there are.
func publish(b *testing.B, db *pgxpool.Pool, nc *nats.Conn, namespace string) int {
	ctx := context.Background()
	store := eventstore.New(db, "mentoring")
	reg := projections.Registry()
	byStream := map[string][]bench.Recorded{}
	var order []string
	recorded := bench.Generate(throughputScale).Events["mentoring"]
	for _, r := range recorded {
		if byStream[r.Stream] == nil {
			order = append(order, r.Stream)
		}
		byStream[r.Stream] = append(byStream[r.Stream], r)
	}
	for _, stream := range order {
		var version int64
		// One append per run of events by one actor, as one command
		// would have appended them.
		for rs := byStream[stream]; len(rs) > 0; {
			k := 1
			for k < len(rs) && k < 500 && rs[k].Actor == rs[0].Actor {
				k++
			}
			pending := make([]eventstore.Pending, k)
			for i, r := range rs[:k] {
				name, data, err := reg.Encode(r.Payload)
				if err != nil {
					b.Fatal(err)
				}
				pending[i] = eventstore.Pending{Type: name, Data: data}
			}
			if _, err := store.Append(ctx, eventstore.Append{StreamID: stream, ExpectedVersion: version, Events: pending, Actor: rs[0].Actor,
				CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: bench.Epoch}); err != nil {
				b.Fatal(err)
			}
			version += int64(k)
			rs = rs[k:]
		}
	}
	r, err := relay.New(store, nc, relay.Config{Service: "mentoring", Namespace: namespace}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	relayCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(relayCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	head, err := store.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		cp, err := store.Checkpoint(ctx, "mentoring")
		if err != nil {
			b.Fatal(err)
		}
		if cp == head {
			return len(recorded)
		}
		if time.Now().After(deadline) {
			b.Fatalf("the relay published %d of %d events in a minute", cp, head)
		}
	}
}

// waitForCheckpoint returns once p has applied at least n events of the
// mentoring service.
func waitForCheckpoint(b *testing.B, db *pgxpool.Pool, p projections.Projection, n int) {
	ctx := context.Background()
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(5 * time.Millisecond) {
		cps, err := projections.Checkpoints(ctx, db, p)
		if err == nil && cps["mentoring"] >= int64(n) {
			return
		}

		if time.Now().After(deadline) {
			b.Fatalf("%s reached %v of %d events in five minutes (%v)", p.Name, cps, n, err)
		}
	}
}
