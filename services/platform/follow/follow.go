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
	// Handle reacts to one event. An error has the event delivered again
	// after a backoff.
	Handle func(ctx context.Context, e events.Envelope) error
	// AfterHandle, when set, runs after an event was handled and before
	// it is acknowledged: crash tests stop the process there.
	AfterHandle func()
	Log         *slog.Logger
}

// Run follows the stream until ctx ends. Until the service that owns the
// stream has declared it, it waits.
func Run(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	stream := relay.StreamName(cfg.Namespace, cfg.Service)
	subjects := make([]string, len(cfg.Types))
	for i, t := range cfg.Types {
		subjects[i] = events.Subject(cfg.Namespace, t)
	}
	log := cfg.Log.With("consumer", cfg.Durable)
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
		AckWait:       30 * time.Second,
		BackOff:       []time.Duration{time.Second, 5 * time.Second, 30 * time.Second},
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
	go func() {
		<-ctx.Done()
		it.Stop()
	}()
	for {
		msg, err := it.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
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
		if err := cfg.Handle(ctx, env); err != nil {
			log.Error("event not handled; it will be delivered again", "event", env.ID, "type", env.Type, "err", err)
			_ = msg.Nak()
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

// Send sends a command caused by the event cause, as a process manager
// does: as actor, with an idempotency key derived from the consumer and the
// event, so that the event delivered again after a crash sends nothing twice
// to effect. A refusal comes back as the service's *errs.Error.
func Send(ctx context.Context, nc *nats.Conn, namespace, service, name, durable string, cause events.Envelope, actor events.Actor, c any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := command.Send(ctx, nc, command.Subject(namespace, service, name), command.Request[any]{
		Command: c, Actor: actor, IdempotencyKey: durable + "/" + name + "/" + cause.ID.String(),
		CorrelationID: cause.CorrelationID, CausationID: cause.ID,
	})
	return err
}
