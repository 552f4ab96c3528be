// Package command runs a service's commands: load the aggregate's events,
// fold them into state, run the pure decide, and append what it decided with
// the version it decided on. Every command of every service goes through
// Execute; a service only supplies decider.Handlers, its pure domain code.
package command

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
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
	// ExpectedVersion, when set, is the stream version the sender decided
	// on: if the stream has moved on since, the command is refused with
	// CONFLICT instead of being decided again on the new state.
	ExpectedVersion *int64 `json:"expectedVersion,omitempty"`
}

// Executor runs commands against one service's event store.
type Executor struct {
	store    *eventstore.Store
	registry *events.Registry
	now      func() time.Time
	states   *states
}

// NewExecutor returns an executor on store, decoding events with registry.
func NewExecutor(store *eventstore.Store, registry *events.Registry, now func() time.Time) *Executor {
	return &Executor{store: store, registry: registry, now: now, states: newStates(10000)}
}

// UseCase is one command of a service: the pure decision, and, where the
// decision needs facts from other records, how to gather them.
type UseCase[S, C any] struct {
	decider.Handler[S, C]
	// Prepare, when set, fills in what the command needs from other
	// streams or local tables before it is decided (fields the sender
	// cannot set), or refuses it. It runs again on every attempt.
	Prepare func(ctx context.Context, r Reader, c C) (C, error)
}

// attempts bounds how often a command is decided again after another
// command changed its stream between load and append.
const attempts = 4

// Execute runs req through u. The result carries the stream's new version
// and the position a reader must reach to see the command's effects.
//
// When another command changes the stream between load and append, the
// command is decided again on the new state, so every rule is checked
// against what is now true; a sender that wants its command refused instead
// names the version it decided on in ExpectedVersion.
func Execute[S, C any](ctx context.Context, x *Executor, u UseCase[S, C], req Request[C]) (eventstore.Result, error) {
	if req.Actor.ID == "" || !req.Actor.Role.Valid() {
		return eventstore.Result{}, errs.Newf(errs.Unauthenticated, "%s: the command names no known actor and role", u.Name)
	}
	stream, err := u.Stream(req.Command)
	if err != nil {
		return eventstore.Result{}, err
	}
	var hash []byte
	if req.IdempotencyKey != "" {
		if hash, err = requestHash(u.Name, req); err != nil {
			return eventstore.Result{}, err
		}
		if r, ok, err := x.store.Remembered(ctx, req.IdempotencyKey, hash); err != nil || ok {
			return r, err
		}
	}
	for attempt := 1; ; attempt++ {
		res, err := decideAndAppend(ctx, x, u, req, stream, hash)
		if req.IdempotencyKey != "" && (err != nil || len(res.Events) == 0 && !res.Replayed) {
			// A retry racing its own first attempt may find the stream
			// already changed by it (a refusal, or nothing to do): the
			// first attempt's result is then the answer.
			if r, ok, lookupErr := x.store.Remembered(ctx, req.IdempotencyKey, hash); lookupErr == nil && ok {
				return r, nil
			}
		}
		if !errors.Is(err, errStale) || req.ExpectedVersion != nil {
			return res, err
		}
		if attempt == attempts {
			// Still losing to other writers: a busy stream, not a refusal
			// on the command's merits. The rule says so, so that a sender
			// (a process manager, say) knows to try again later.
			return res, &errs.Error{Code: errs.Conflict, Rule: RuleBusy,
				Message: fmt.Sprintf("%s changed %d times while this command was decided: try again", stream, attempts)}
		}
		// A short, random pause lets the writers that collided spread out.
		time.Sleep(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond)
	}
}

// RuleBusy marks a CONFLICT that trying again later may resolve.
const RuleBusy = "busy"

// errStale marks a conflict found at append time, which deciding again on
// the new state may resolve.
var errStale = errors.New("stream changed since it was loaded")

func decideAndAppend[S, C any](ctx context.Context, x *Executor, u UseCase[S, C], req Request[C], stream string, hash []byte) (eventstore.Result, error) {
	c := req.Command
	var err error
	if u.Prepare != nil {
		if c, err = u.Prepare(ctx, Reader{x}, c); err != nil {
			return eventstore.Result{}, err
		}
	}
	before, err := state(ctx, x, u.Evolve, stream)
	if err != nil {
		return eventstore.Result{}, err
	}
	version := before.version
	if req.ExpectedVersion != nil && *req.ExpectedVersion != version {
		return eventstore.Result{}, errs.Newf(errs.Conflict, "%s is at version %d, not %d: someone changed it since you read it", stream, version, *req.ExpectedVersion)
	}
	now := x.now()
	decided, err := u.Decide(before.state.(S), c, decider.Meta{Actor: req.Actor, Now: now})
	if err != nil {
		return eventstore.Result{}, err
	}
	if len(decided) == 0 {
		return eventstore.Result{StreamID: stream, Version: version, Position: before.position}, nil
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
	res, err := x.store.Append(ctx, eventstore.Append{
		StreamID: stream, ExpectedVersion: version, Events: pending, Actor: req.Actor,
		CorrelationID: correlation, CausationID: causation, OccurredAt: now,
		IdempotencyKey: req.IdempotencyKey, RequestHash: hash,
	})
	if errs.Is(err, errs.Conflict) {
		err = fmt.Errorf("%w: %w", errStale, err)
	}
	if err == nil && !res.Replayed {
		remember(x, u.Evolve, before, decided, res.Events)
	}
	return res, err
}

// Reader gives Prepare functions the recorded events of other streams.
type Reader struct{ x *Executor }

// ReaderOf returns a reader on x's store.
func ReaderOf(x *Executor) Reader { return Reader{x} }

// Events returns the decoded events of a stream, oldest first.
func (r Reader) Events(ctx context.Context, stream string) ([]any, error) {
	given, _, err := r.load(ctx, stream)
	return given, err
}

// EventsByStream returns the decoded events of every stream whose id starts
// with prefix, by stream id.
func (r Reader) EventsByStream(ctx context.Context, prefix string) (map[string][]any, error) {
	recorded, err := r.x.store.LoadPrefix(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := map[string][]any{}
	for _, e := range recorded {
		payload, err := r.x.registry.Decode(e.Type, e.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.StreamID, err)
		}
		out[e.StreamID] = append(out[e.StreamID], payload)
	}
	return out, nil
}

func (r Reader) load(ctx context.Context, stream string) ([]any, []events.Envelope, error) {
	recorded, err := r.x.store.Load(ctx, stream)
	if err != nil {
		return nil, nil, err
	}
	given := make([]any, len(recorded))
	for i, e := range recorded {
		if given[i], err = r.x.registry.Decode(e.Type, e.Data); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", stream, err)
		}
	}
	return given, recorded, nil
}

// Fold is the state of a stream, for a Prepare function that needs another
// aggregate's facts.
func Fold[S any](ctx context.Context, r Reader, evolve func(S, any) S, stream string) (S, error) {
	f, err := state(ctx, r.x, evolve, stream)
	if err != nil {
		var zero S
		return zero, err
	}
	return f.state.(S), nil
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
