// Package follow runs a durable JetStream consumer over another service's
// stream: the shape every process manager and local copy in the system
// shares. Events arrive one at a time, in order; each is acknowledged only
// after it was handled, so a crash at any point delivers it again, and
// handlers are written to change nothing the second time (idempotency keys
// derived from the event, upserts keyed by event id).
package follow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/relay"
)

// Config names what to follow and how to handle it.
type Config struct {
	// Namespace and Service name the stream followed.
	Namespace, Service string
	// Durable names the consumer: its position survives restarts, so it
	// must never be renamed casually.
	Durable     string
	Description string
	// Types are the event type names followed.
	Types []string
	// Handle reacts to one event, within 30 seconds. An error has the event
	// delivered again after a pause that grows with each delivery.
	Handle func(ctx context.Context, e events.Envelope) error
	// AfterHandle, when set, runs after an event was handled and before
	// it is acknowledged: crash tests stop the process there.
	AfterHandle func()
	Log         *slog.Logger
}

// Run follows the stream until ctx ends. Until the service that owns the
// stream has declared it, it waits; when the consumer or its connection
// fails, it starts again where the consumer stands.
func Run(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	log := cfg.Log.With("consumer", cfg.Durable)
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		started := time.Now()
		err := follow(ctx, js, cfg, log)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > time.Minute {
			wait = time.Second // it ran a while: this failure is a new one
		}
		log.Error("following stopped; starting again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// handlerTimeout bounds one event's handling.
const handlerTimeout = 30 * time.Second

// ackWait is how long after a delivery the server delivers an event again
// unless it hears otherwise: short, so that an event whose handler died with
// its process is soon handled again. While an event is in hand the follower
// tells the server so every heartbeat, so it is never delivered twice at once.
const (
	ackWait   = 5 * time.Second
	heartbeat = 2 * time.Second
)

func follow(ctx context.Context, js jetstream.JetStream, cfg Config, log *slog.Logger) error {
	stream := relay.StreamName(cfg.Namespace, cfg.Service)
	subjects := make([]string, len(cfg.Types))
	for i, t := range cfg.Types {
		subjects[i] = events.Subject(cfg.Namespace, t)
	}
	cc := jetstream.ConsumerConfig{
		Durable:        cfg.Durable,
		Description:    cfg.Description,
		FilterSubjects: subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		// One at a time, in order: what an event causes may depend on the
		// effects of the events before it.
		MaxAckPending: 1,
		MaxDeliver:    -1,
		AckWait:       ackWait,
	}
	var cons jetstream.Consumer
	for waited := false; ; waited = true {
		var err error
		if cons, err = js.CreateOrUpdateConsumer(ctx, stream, cc); err == nil {
			break
		}
		if !waited {
			log.Info("waiting for the stream to follow", "stream", stream, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("follow %s: %w", stream, err)
	}
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	for {
		msg, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) && ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("follow %s: %w", stream, err)
		}
		var env events.Envelope
		if err := json.Unmarshal(msg.Data(), &env); err != nil {
			// Not an event of this system: nothing will ever read it.
			log.Error("undecodable message ends here", "subject", msg.Subject(), "err", err)
			_ = msg.Term()
			continue
		}
		err = handle(ctx, cfg.Handle, env, msg)
		if err != nil {
			// Delivered again after a growing pause: a service that is
			// down, or an event this version cannot read, is tried again
			// without flooding anyone, and nothing after it overtakes it.
			delay := retryDelay(msg)
			log.Error("event not handled; it will be delivered again", "event", env.ID, "type", env.Type, "err", err, "in", delay)
			_ = msg.NakWithDelay(delay)
			continue
		}
		if cfg.AfterHandle != nil {
			cfg.AfterHandle()
		}
		if err := msg.DoubleAck(ctx); err != nil && ctx.Err() == nil {
			log.Warn("acknowledgement lost; the event will be delivered again and change nothing", "event", env.ID, "err", err)
		}
	}
}

// handle runs the handler, telling the server the event is in hand until it
// returns.
func handle(ctx context.Context, h func(context.Context, events.Envelope) error, env events.Envelope, msg jetstream.Msg) error {
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	defer cancel()
	done := make(chan struct{})
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		tick := time.NewTicker(heartbeat)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-hctx.Done():
				return // past the handler's time, the server may deliver it again
			case <-tick.C:
				_ = msg.InProgress()
			}
		}
	}()
	err := h(hctx, env)
	close(done)
	<-beating // no heartbeat may follow the acknowledgement
	return err
}

// retryDelay doubles from a second with each delivery, up to a minute.
func retryDelay(msg jetstream.Msg) time.Duration {
	n := uint64(1)
	if md, err := msg.Metadata(); err == nil && md.NumDelivered > 0 {
		n = md.NumDelivered
	}
	return time.Second << min(n-1, 6) // 1s, 2s, … 64s
}

// Sender sends the commands of a process manager: as its actor, each with
// an idempotency key derived from the consumer, the command, the event that
// caused it and, when one event causes several commands of a kind, what
// tells them apart. An event delivered again after a crash so sends nothing
// twice to effect.
type Sender struct {
	NATS      *nats.Conn
	Namespace string
	Durable   string
	Actor     events.Actor
}

// Send sends command name to service, caused by cause. A refusal comes back
// as the service's *errs.Error.
func (s Sender) Send(ctx context.Context, service, name string, cause events.Envelope, part string, c any) error {
	ctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	defer cancel()
	key := s.Durable + "/" + name + "/" + cause.ID.String()
	if part != "" {
		key += "/" + part
	}
	_, err := command.Send(ctx, s.NATS, command.Subject(s.Namespace, service, name), command.Request[any]{
		Command: c, Actor: s.Actor, IdempotencyKey: key, CorrelationID: cause.CorrelationID, CausationID: cause.ID,
	})
	return err
}

// RefusedOnMerits reports whether a command was refused for what it asks:
// sending it again would be refused again. Other failures (a service that
// is down, a stream too busy, an outcome not known) are worth trying again.
func RefusedOnMerits(err error) bool {
	e := errs.As(err)
	return e != nil && e.Code != errs.Internal && e.Rule != command.RuleBusy
}
