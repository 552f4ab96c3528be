package relay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/natstest"
	"wsms/platform/relay"
)

var benchData = json.RawMessage(`{"schoolId":"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01","name":"St. Clare's Girls' School","district":"Central and Western","level":"secondary","contact":{"name":"Mary Chan","email":"mary.chan@stclare.edu.hk"}}`)

// fill appends n events, 500 to a stream, before the clock starts.
func fill(b *testing.B, s *eventstore.Store, n int) {
	ctx := context.Background()
	for n > 0 {
		k := min(n, 500)
		p := make([]eventstore.Pending, k)
		for i := range p {
			p[i] = eventstore.Pending{Type: "placement.school.registered.v1", Data: benchData}
		}
		if _, err := s.Append(ctx, eventstore.Append{StreamID: uuid.NewString(), Events: p,
			Actor: events.Actor{ID: "office", Role: events.RoleOffice}, CorrelationID: uuid.New(), CausationID: uuid.New(), OccurredAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
		n -= k
	}
}

// BenchmarkRelay measures the relay publishing a backlog from PostgreSQL to
// JetStream next to the raw limits of the same machine: asynchronous
// JetStream publishes of the same envelopes, with Nats-Msg-Id, from memory,
// waiting for every acknowledgement (raw-publish-async), and reading the
// same events from the store (raw-read). The relay does both on the same
// cores, so its bound is about 1/(1/read + 1/publish).
func BenchmarkRelay(b *testing.B) {
	b.Run("raw-publish-async", func(b *testing.B) {
		ns := natstest.Start(b)
		nc := ns.Connect(b)
		cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace()}
		js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2000))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if _, err := js.CreateOrUpdateStream(ctx, cfg.StreamConfig()); err != nil {
			b.Fatal(err)
		}
		msgs := make([]*nats.Msg, b.N)
		for i := range msgs {
			e := events.Envelope{ID: uuid.Must(uuid.NewV7()), Type: "placement.school.registered.v1", SchemaVersion: 1,
				StreamID: "school-x", StreamVersion: int64(i + 1), Position: int64(i + 1), OccurredAt: time.Now(),
				Actor: events.Actor{ID: "office", Role: events.RoleOffice}, CorrelationID: uuid.New(), CausationID: uuid.New(), Data: benchData}
			data, _ := json.Marshal(e)
			msgs[i] = nats.NewMsg(events.Subject(cfg.Namespace, e.Type))
			msgs[i].Data = data
			msgs[i].Header.Set(jetstream.MsgIDHeader, e.ID.String())
			msgs[i].Header.Set(events.HeaderPosition, fmt.Sprint(e.Position))
		}
		b.ResetTimer()
		for _, m := range msgs {
			if _, err := js.PublishMsgAsync(m); err != nil {
				b.Fatal(err)
			}
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(time.Minute):
			b.Fatal("acknowledgements did not arrive")
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("raw-read", func(b *testing.B) {
		db := dbtest.New(b, storeSet)
		s := eventstore.New(db, "placement")
		fill(b, s, b.N)
		b.ResetTimer()
		for after := int64(0); after < int64(b.N); after += 1000 {
			if _, err := s.ReadAfter(context.Background(), after, 1000); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("relay", func(b *testing.B) {
		db := dbtest.New(b, storeSet)
		s := eventstore.New(db, "placement")
		ns := natstest.Start(b)
		nc := ns.Connect(b)
		fill(b, s, b.N)
		r, err := relay.New(s, nc, relay.Config{Service: "placement", Namespace: natstest.Namespace()}, quietLog())
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		head, _ := s.Head(context.Background())
		for {
			cp, err := s.Checkpoint(context.Background(), "placement")
			if err != nil {
				b.Fatal(err)
			}
			if cp == head {
				break
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		cancel()
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
