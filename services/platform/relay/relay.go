// Package relay publishes a service's committed events from its PostgreSQL
// event store to its JetStream stream, in position order, each exactly once.
//
// Nothing is published inside a command's transaction. The relay reads
// committed events after its checkpoint; because the store hands out
// positions in commit order there is never a slower transaction whose
// events could appear below the checkpoint later (the sequence-gap problem).
//
// Exactly once rests on two guards. Every message carries Nats-Msg-Id = the
// event id, so JetStream drops a re-publish within its duplicate window. And
// every message carries the stream sequence it expects to follow, so a
// message can only be stored directly after its predecessor: the stream is
// always a gap-free prefix of the log, whatever fails, and its last message
// tells exactly how far publication got. On every start and after every
// failure the relay reads that position from the stream and goes on from
// there; the checkpoint in PostgreSQL is written after each acknowledged
// batch and corrected from the stream when a crash left it behind.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/eventstore"
)

// Config describes one service's relay and the stream it feeds.
type Config struct {
	// Service names the service ("placement"); it is the relay's checkpoint
	// key and the second part of its subjects.
	Service string
	// Namespace prefixes subjects and stream names ("wsms").
	Namespace string
	// Replicas of the stream: 1 on one machine, 3 in a cluster.
	Replicas int
	// Duplicates is JetStream's de-duplication window.
	Duplicates time.Duration
	// BatchSize is how many events are read and published per round.
	BatchSize int
	// Pipeline is how many batches may await acknowledgement at once.
	Pipeline int
	// AckTimeout bounds the wait for JetStream to acknowledge a publish.
	AckTimeout time.Duration
	// Idle is how long to wait for a commit notification before looking
	// for new events anyway.
	Idle time.Duration
	// MaxBackoff caps the wait between attempts while NATS or PostgreSQL
	// is unavailable.
	MaxBackoff time.Duration
}

func (c Config) withDefaults() Config {
	if c.Namespace == "" {
		c.Namespace = "wsms"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.Duplicates == 0 {
		c.Duplicates = 2 * time.Minute
	}
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.Pipeline == 0 {
		c.Pipeline = 4
	}
	if c.AckTimeout == 0 {
		c.AckTimeout = 5 * time.Second
	}
	if c.Idle == 0 {
		c.Idle = time.Second
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 5 * time.Second
	}
	return c
}

// StreamName is the JetStream stream holding a service's events.
func StreamName(namespace, service string) string {
	return strings.ToUpper(namespace + "_" + service)
}

// StreamConfig is the declaration of the service's stream: explicit, never
// left to auto-provisioning. The relay is the stream's only writer.
func (c Config) StreamConfig() jetstream.StreamConfig {
	c = c.withDefaults()
	return jetstream.StreamConfig{
		Name:        StreamName(c.Namespace, c.Service),
		Description: "Events of the " + c.Service + " service, published by its relay from the event store.",
		Subjects:    []string{c.Namespace + "." + c.Service + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Replicas:    c.Replicas,
		Duplicates:  c.Duplicates,
		DenyDelete:  true,
		// No direct gets: on a cluster a follower may answer one before it
		// holds the newest message, and the relay's reconciliation must
		// read the stream's true end.
		AllowDirect: false,
	}
}

// Relay publishes one service's events.
type Relay struct {
	store  *eventstore.Store
	js     jetstream.JetStream
	cfg    Config
	log    *slog.Logger
	stream string
	// subjects caches the subject of each event type.
	subjects map[string]string
	// afterPublish, when set by a test, runs after a batch is acknowledged
	// and before its checkpoint is saved: the window a crash test aims at.
	afterPublish func()
}

// New returns the relay of store's events to NATS.
func New(store *eventstore.Store, nc *nats.Conn, cfg Config, log *slog.Logger) (*Relay, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(cfg.AckTimeout),
		jetstream.WithPublishAsyncMaxPending(cfg.Pipeline*cfg.BatchSize))
	if err != nil {
		return nil, err
	}
	return &Relay{store: store, js: js, cfg: cfg, log: log.With("relay", cfg.Service),
		stream: StreamName(cfg.Namespace, cfg.Service), subjects: map[string]string{}}, nil
}

// Run relays until ctx ends. Failures (NATS or PostgreSQL away) are logged
// and retried with backoff; Run returns nil when ctx is cancelled.
func (r *Relay) Run(ctx context.Context) error {
	backoff := 100 * time.Millisecond
	for {
		progressed, err := r.lead(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if progressed {
			backoff = 100 * time.Millisecond
		}
		r.log.Warn("relay interrupted; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, r.cfg.MaxBackoff)
	}
}

// lead takes the lease, finds where publication stands, and publishes
// batches until something fails.
func (r *Relay) lead(ctx context.Context) (progressed bool, err error) {
	lease, err := r.store.Lead(ctx, "relay", r.cfg.Idle)
	if err != nil {
		return false, err
	}
	defer lease.Close()
	stream, err := r.js.CreateOrUpdateStream(ctx, r.cfg.StreamConfig())
	if err != nil {
		return false, fmt.Errorf("declare stream: %w", err)
	}
	published, seq, err := r.sync(ctx, stream)
	if err != nil {
		return false, err
	}

	// A reader fetches batches ahead while earlier ones are published and
	// acknowledged, so reading PostgreSQL and waiting on JetStream overlap.
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan []events.Envelope, r.cfg.Pipeline)
	readErr := make(chan error, 1)
	go func() { readErr <- r.read(ctx, lease, published, batches) }()
	defer func() {
		cancel()
		<-readErr // the reader uses the lease's connection: let it finish first
	}()

	// Each batch's checkpoint is saved once it and every batch before it
	// are acknowledged.
	var inFlight []sent
	for {
		var batch []events.Envelope
		select {
		case batch = <-batches:
		default:
			if len(inFlight) == 0 {
				select {
				case batch = <-batches:
				case err := <-readErr:
					readErr <- err
					return progressed, err
				}
			}
		}
		if batch != nil {
			b, err := r.publish(batch, seq)
			if err != nil {
				return progressed, err
			}
			inFlight = append(inFlight, b)
			seq += uint64(len(batch))
			if len(inFlight) < r.cfg.Pipeline {
				continue
			}
		}
		if err := r.acknowledged(ctx, inFlight[0]); err != nil {
			return progressed, err
		}
		published, inFlight = inFlight[0].last, inFlight[1:]
		progressed = true
		if r.afterPublish != nil {
			r.afterPublish()
		}
		if err := r.store.SaveCheckpoint(ctx, r.cfg.Service, published); err != nil {
			return progressed, fmt.Errorf("save checkpoint %d: %w", published, err)
		}
	}
}

// read sends batches of events after position to out until ctx ends or
// reading fails, waiting on the lease's notifications when none are new.
func (r *Relay) read(ctx context.Context, lease *eventstore.Listener, after int64, out chan<- []events.Envelope) error {
	for {
		batch, err := r.store.ReadAfter(ctx, after, r.cfg.BatchSize)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			if err := lease.Wait(ctx, r.cfg.Idle); err != nil {
				return fmt.Errorf("wait for events: %w", err)
			}
			continue
		}
		select {
		case out <- batch:
			after = batch[len(batch)-1].Position
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sync returns the position of the last event in the stream and its stream
// sequence, and brings the PostgreSQL checkpoint in line with them.
func (r *Relay) sync(ctx context.Context, stream jetstream.Stream) (position int64, seq uint64, err error) {
	info, err := stream.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("stream info: %w", err)
	}
	checkpoint, err := r.store.Checkpoint(ctx, r.cfg.Service)
	if err != nil {
		return 0, 0, fmt.Errorf("read checkpoint: %w", err)
	}
	seq = info.State.LastSeq
	if seq > 0 {
		if info.State.Msgs == 0 {
			// Purged by an operator: the stream no longer says how far it
			// got, so trust the checkpoint.
			r.log.Warn("the stream holds no messages; relaying from the checkpoint", "seq", seq, "checkpoint", checkpoint)
			return checkpoint, seq, nil
		}
		msg, err := stream.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			// The last message was purged by subject: the last one left
			// still tells how far publication got.
			msg, err = stream.GetLastMsgForSubject(ctx, r.cfg.Namespace+"."+r.cfg.Service+".>")
		}
		if err != nil {
			return 0, 0, fmt.Errorf("read last stream message %d: %w", seq, err)
		}
		if position, err = strconv.ParseInt(msg.Header.Get(events.HeaderPosition), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("stream message %d has no %s header: %w", seq, events.HeaderPosition, err)
		}
		// The stream's last event must be the store's event at that
		// position. If not (the store was restored to an earlier moment,
		// or points at another stream), relaying would skip or mix events:
		// stop and say so.
		stored, err := r.store.ReadAfter(ctx, position-1, 1)
		if err != nil {
			return 0, 0, err
		}
		if id := msg.Header.Get(jetstream.MsgIDHeader); len(stored) == 0 || stored[0].Position != position || stored[0].ID.String() != id {
			return 0, 0, fmt.Errorf("the stream's last event %s at position %d is not in the event store: the store was restored to an earlier moment or the stream belongs to another store; the relay will not publish until an operator reconciles them", id, position)
		}
	}
	if position != checkpoint {
		if position < checkpoint {
			r.log.Warn("stream is behind the checkpoint (stream lost or recreated); publishing again from the stream's end",
				"stream_position", position, "checkpoint", checkpoint)
		}
		if err := r.store.SaveCheckpoint(ctx, r.cfg.Service, position); err != nil {
			return 0, 0, fmt.Errorf("correct checkpoint: %w", err)
		}
	}
	return position, seq, nil
}

// sent is a batch handed to JetStream and not yet known to be stored.
type sent struct {
	batch   []events.Envelope
	futures []jetstream.PubAckFuture
	first   uint64 // stream sequence the first message must get
	last    int64  // position of the batch's last event
}

// publish hands a batch to JetStream asynchronously, each message expecting
// to follow the previous one, the first expecting sequence seq.
func (r *Relay) publish(batch []events.Envelope, seq uint64) (sent, error) {
	b := sent{batch: batch, futures: make([]jetstream.PubAckFuture, len(batch)), first: seq + 1, last: batch[len(batch)-1].Position}
	for i, e := range batch {
		var err error
		b.futures[i], err = r.js.PublishMsgAsync(r.message(&batch[i]),
			jetstream.WithMsgID(e.ID.String()),
			jetstream.WithExpectStream(r.stream),
			jetstream.WithExpectLastSequence(seq+uint64(i)))
		if err != nil {
			return b, fmt.Errorf("publish position %d: %w", e.Position, err)
		}
	}
	return b, nil
}

// acknowledged waits until every message of b is stored, each at the
// sequence it expected.
func (r *Relay) acknowledged(ctx context.Context, b sent) error {
	for i, f := range b.futures {
		select {
		case ack := <-f.Ok():
			if want := b.first + uint64(i); ack.Duplicate || ack.Sequence != want {
				return fmt.Errorf("position %d stored at sequence %d (duplicate %t), expected %d", b.batch[i].Position, ack.Sequence, ack.Duplicate, want)
			}
		case err := <-f.Err():
			return fmt.Errorf("publish position %d: %w", b.batch[i].Position, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (r *Relay) message(e *events.Envelope) *nats.Msg {
	subject, ok := r.subjects[e.Type]
	if !ok {
		subject = events.Subject(r.cfg.Namespace, e.Type)
		r.subjects[e.Type] = subject
	}
	msg := nats.NewMsg(subject)
	msg.Data = e.AppendJSON(make([]byte, 0, 512+len(e.Data)))
	msg.Header.Set(events.HeaderPosition, strconv.FormatInt(e.Position, 10))
	return msg
}
