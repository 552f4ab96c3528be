package projections_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/relay"
	"wsms/projections"
)

// published waits until the relay has published service's stream up to
// sequence last, and returns the stream.
func (e *env) published(t *testing.T, service string, last uint64) jetstream.Stream {
	t.Helper()
	ctx := context.Background()
	var stream jetstream.Stream
	eventually(t, "the relay publishes "+service+" up to its head", func() (bool, error) {
		var err error
		if stream, err = e.js.Stream(ctx, relay.StreamName(e.namespace, service)); err != nil {
			return false, err
		}
		info, err := stream.Info(ctx)
		return err == nil && info.State.LastSeq == last, err
	})
	return stream
}

func TestAProjectionBehindAPurgedStreamReadsTheMissingEventsFromTheStore(t *testing.T) {
	// Given a stream purged of its first five events by an operator
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, "placement", 10)
	stream := e.published(t, "placement", 10)
	if err := stream.Purge(ctx, jetstream.WithPurgeSequence(6)); err != nil {
		t.Fatal(err)
	}

	// When a projection that has read none of them starts
	p := tally("latecomer")
	p.Services = []string{"placement"}
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), p)

	// Then it applies them from the event store, and the rest from the
	// stream, each once.
	e.caughtUp(t, p)
	e.record(t, "placement", 2)
	e.caughtUp(t, p)
	if n := count(t, e.db, p, "seen", ""); n != 12 {
		t.Fatalf("the read model holds %d events, want 12", n)
	}
	if got := metric(t, reg, "wsms_projection_events_total", map[string]string{"projection": "latecomer", "service": "placement"}); got != 12 {
		t.Errorf("events counted: %v, want 12", got)
	}
	if stop, err := projections.Stopped(ctx, e.db, "latecomer"); err != nil || stop != nil {
		t.Fatalf("Stopped = %v, %v; want nothing", stop, err)
	}
}

func TestAnEventMissingFromTheStreamStopsTheProjectionOnceReadingAgainDoesNotBringIt(t *testing.T) {
	// Given a stream from which the fourth event alone was purged
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, "placement", 3)
	e.addTeacher(t)
	e.record(t, "placement", 2)
	stream := e.published(t, "placement", 6)
	if err := stream.Purge(ctx, jetstream.WithPurgeSubject(events.Subject(e.namespace, placement.TeacherAddedV1))); err != nil {
		t.Fatal(err)
	}

	// When a projection reads it
	p := tally("gappy")
	p.Services = []string{"placement"}
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), p)

	// Then it stops before the missing event, naming it and the gap,
	// rather than read again forever.
	stop := stopped(t, e.db, "gappy")
	missing, err := e.writers["placement"].store.ReadAfter(ctx, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Service != "placement" || stop.Position != 4 || stop.EventID != missing[0].ID.String() || stop.Type != placement.TeacherAddedV1 ||
		!strings.Contains(stop.Err.Error(), "checkpoint at position 3 but the next event is at 5") {
		t.Fatalf("recorded stop %+v; want the teacher at position 4 named, with the gap", stop)
	}
	if cp, err := checkpoint(ctx, e.db, p, "placement"); err != nil || cp != 3 {
		t.Fatalf("checkpoint = %d, %v; want 3", cp, err)
	}
	if got := metric(t, reg, "wsms_projection_stopped", map[string]string{"projection": "gappy"}); got != 1 {
		t.Errorf("wsms_projection_stopped{gappy} = %v, want 1", got)
	}
}

func TestAMessageThatIsNotAnEventStopsTheProjectionAndRecordsWhere(t *testing.T) {
	// Given a stream holding, after two events, a message that is not one
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, "placement", 2)
	e.published(t, "placement", 2)
	subject := events.Subject(e.namespace, placement.SchoolRegisteredV1)
	if _, err := e.js.Publish(ctx, subject, []byte("not an envelope")); err != nil {
		t.Fatal(err)
	}

	// When a projection reads it
	p := tally("reader")
	p.Services = []string{"placement"}
	reg := prometheus.NewRegistry()
	e.run(t, e.db, projections.NewMetrics(reg), p)

	// Then it applies the events before it and stops there, recorded as
	// for an event it cannot apply.
	stop := stopped(t, e.db, "reader")
	if stop.Service != "placement" || stop.Position != 3 || stop.Type != subject || !strings.Contains(stop.Err.Error(), "is not an event envelope") {
		t.Fatalf("recorded stop %+v; want placement sequence 3 (%s), not an event envelope", stop, subject)
	}
	if cp, err := checkpoint(ctx, e.db, p, "placement"); err != nil || cp != 2 {
		t.Fatalf("checkpoint = %d, %v; want 2", cp, err)
	}
	if got := metric(t, reg, "wsms_projection_poison_events_total", map[string]string{"projection": "reader"}); got != 1 {
		t.Errorf("wsms_projection_poison_events_total{reader} = %v, want 1", got)
	}
}

func TestADurableConsumerConfiguredOtherwiseIsMadeAgain(t *testing.T) {
	// Given a durable consumer named after the projection, at its
	// checkpoint, but giving up on a message after three deliveries
	e := newEnv(t)
	ctx := context.Background()
	p := tally("tally")
	p.Services = []string{"placement"}
	stream := relay.StreamName(e.namespace, "placement")
	e.published(t, "placement", 0)
	_, err := e.js.CreateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: p.Name, AckPolicy: jetstream.AckAllPolicy,
		AckWait: 30 * time.Second, MaxAckPending: 128, MaxDeliver: 3, DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		t.Fatal(err)
	}

	// When the runner starts
	e.run(t, e.db, nil, p)
	e.record(t, "placement", 2)
	e.caughtUp(t, p)

	// Then it makes the consumer again with its own configuration.
	c, err := e.js.Consumer(ctx, stream, p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.CachedInfo().Config.MaxDeliver; got != -1 {
		t.Fatalf("the consumer's MaxDeliver is %d, want -1 (the runner's)", got)
	}
}
