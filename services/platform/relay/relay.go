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
	"encoding/json"
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
		AllowDirect: true,
	}
}

// Relay publishes one service's events.
type Relay struct {
	store *eventstore.Store
	js    jetstream.JetStream
	cfg   Config
	log   *slog.Logger
	// afterPublish, when set by a test, runs after a batch is acknowledged
	// and before its checkpoint is saved: the window a crash test aims at.
	afterPublish func()
}

// New returns the relay of store's events to NATS.
func New(store *eventstore.Store, nc *nats.Conn, cfg Config, log *slog.Logger) (*Relay, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(cfg.AckTimeout),
		jetstream.WithPublishAsyncMaxPending(2*cfg.BatchSize))
	if err != nil {
		return nil, err
	}
	return &Relay{store: store, js: js, cfg: cfg, log: log.With("relay", cfg.Service)}, nil
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
	for {
		batch, err := r.store.ReadAfter(ctx, published, r.cfg.BatchSize)
		if err != nil {
			return progressed, err
		}
		if len(batch) == 0 {
			if err := lease.Wait(ctx, r.cfg.Idle); err != nil {
				return progressed, fmt.Errorf("wait for events: %w", err)
			}
			continue
		}
		if seq, err = r.publish(ctx, batch, seq); err != nil {
			return progressed, err
		}
		published = batch[len(batch)-1].Position
		progressed = true
		if r.afterPublish != nil {
			r.afterPublish()
		}
		if err := r.store.SaveCheckpoint(ctx, r.cfg.Service, published); err != nil {
			return progressed, fmt.Errorf("save checkpoint %d: %w", published, err)
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
		msg, err := stream.GetMsg(ctx, seq)
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			// Purged by an operator: the stream no longer says how far it
			// got, so trust the checkpoint.
			r.log.Warn("last stream message is gone; relaying from the checkpoint", "seq", seq, "checkpoint", checkpoint)
			return checkpoint, seq, nil
		case err != nil:
			return 0, 0, fmt.Errorf("read last stream message: %w", err)
		}
		if position, err = strconv.ParseInt(msg.Header.Get(events.HeaderPosition), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("stream message %d has no %s header: %w", seq, events.HeaderPosition, err)
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

// publish sends a batch asynchronously, each message expecting to follow the
// previous one, and waits for every acknowledgement. It returns the stream
// sequence of the batch's last message.
func (r *Relay) publish(ctx context.Context, batch []events.Envelope, seq uint64) (uint64, error) {
	futures := make([]jetstream.PubAckFuture, len(batch))
	for i, e := range batch {
		msg, err := r.message(e)
		if err != nil {
			return 0, err
		}
		futures[i], err = r.js.PublishMsgAsync(msg,
			jetstream.WithMsgID(e.ID.String()),
			jetstream.WithExpectStream(StreamName(r.cfg.Namespace, r.cfg.Service)),
			jetstream.WithExpectLastSequence(seq+uint64(i)))
		if err != nil {
			return 0, fmt.Errorf("publish position %d: %w", e.Position, err)
		}
	}
	for i, f := range futures {
		select {
		case ack := <-f.Ok():
			if want := seq + uint64(i) + 1; ack.Duplicate || ack.Sequence != want {
				return 0, fmt.Errorf("position %d stored at sequence %d (duplicate %t), expected %d", batch[i].Position, ack.Sequence, ack.Duplicate, want)
			}
		case err := <-f.Err():
			return 0, fmt.Errorf("publish position %d: %w", batch[i].Position, err)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return seq + uint64(len(batch)), nil
}

func (r *Relay) message(e events.Envelope) (*nats.Msg, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode position %d: %w", e.Position, err)
	}
	msg := nats.NewMsg(events.Subject(r.cfg.Namespace, e.Type))
	msg.Data = data
	msg.Header.Set(events.HeaderPosition, strconv.FormatInt(e.Position, 10))
	msg.Header.Set(events.HeaderType, e.Type)
	msg.Header.Set(events.HeaderStream, e.StreamID)
	return msg, nil
}
