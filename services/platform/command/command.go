// Package command runs a service's commands: load the aggregate's events,
// fold them into state, run the pure decide, and append what it decided with
// the version it decided on. Every command of every service goes through
// Execute; a service only supplies decider.Handlers, its pure domain code.
package command

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	"wsms/platform/decider"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
)

// Request is a command as it arrives: the command itself, who sends it, and
// the ids that tie it to the request it belongs to.
type Request[C any] struct {
	Command C            `json:"command"`
	Actor   events.Actor `json:"actor"`
	// IdempotencyKey makes a retried command return the first result
	// instead of acting twice.
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	CorrelationID  uuid.UUID `json:"correlationId,omitzero"`
	CausationID    uuid.UUID `json:"causationId,omitzero"`
}

// Executor runs commands against one service's event store.
type Executor struct {
	store    *eventstore.Store
	registry *events.Registry
	now      func() time.Time
}

// NewExecutor returns an executor on store, decoding events with registry.
func NewExecutor(store *eventstore.Store, registry *events.Registry, now func() time.Time) *Executor {
	return &Executor{store: store, registry: registry, now: now}
}

// Execute runs req through h. The result carries the stream's new version
// and the position a reader must reach to see the command's effects.
func Execute[S, C any](ctx context.Context, x *Executor, h decider.Handler[S, C], req Request[C]) (eventstore.Result, error) {
	if req.Actor.ID == "" || !req.Actor.Role.Valid() {
		return eventstore.Result{}, errs.Newf(errs.Unauthenticated, "%s: the command names no known actor and role", h.Name)
	}
	stream, err := h.Stream(req.Command)
	if err != nil {
		return eventstore.Result{}, err
	}
	var hash []byte
	if req.IdempotencyKey != "" {
		if hash, err = requestHash(h.Name, req); err != nil {
			return eventstore.Result{}, err
		}
		if r, ok, err := x.store.Remembered(ctx, req.IdempotencyKey, hash); err != nil || ok {
			return r, err
		}
	}
	recorded, err := x.store.Load(ctx, stream)
	if err != nil {
		return eventstore.Result{}, err
	}
	given := make([]any, len(recorded))
	for i, e := range recorded {
		if given[i], err = x.registry.Decode(e.Type, e.Data); err != nil {
			return eventstore.Result{}, fmt.Errorf("%s: %w", stream, err)
		}
	}
	now := x.now()
	decided, err := h.Run(given, req.Command, decider.Meta{Actor: req.Actor, Now: now})
	if err != nil {
		return eventstore.Result{}, err
	}
	version := int64(len(recorded))
	if len(decided) == 0 {
		var position int64
		if version > 0 {
			position = recorded[version-1].Position
		}
		return eventstore.Result{StreamID: stream, Version: version, Position: position}, nil
	}
	pending := make([]eventstore.Pending, len(decided))
	for i, d := range decided {
		name, data, err := x.registry.Encode(d)
		if err != nil {
			return eventstore.Result{}, err
		}
		pending[i] = eventstore.Pending{Type: name, Data: data}
	}
	correlation, causation := req.CorrelationID, req.CausationID
	if causation == uuid.Nil {
		causation = uuid.Must(uuid.NewV7())
	}
	if correlation == uuid.Nil {
		correlation = causation
	}
	return x.store.Append(ctx, eventstore.Append{
		StreamID: stream, ExpectedVersion: version, Events: pending, Actor: req.Actor,
		CorrelationID: correlation, CausationID: causation, OccurredAt: now,
		IdempotencyKey: req.IdempotencyKey, RequestHash: hash,
	})
}

// requestHash identifies a command for its idempotency key: the same key
// sent with another command, or by another actor, is not a retry.
func requestHash[C any](name string, req Request[C]) ([]byte, error) {
	b, err := json.Marshal(struct {
		Name    string       `json:"name"`
		Command C            `json:"command"`
		Actor   events.Actor `json:"actor"`
	}{name, req.Command, req.Actor})
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	return h[:], nil
}
