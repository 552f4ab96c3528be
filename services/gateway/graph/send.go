package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"wsms/events"
	"wsms/gateway/auth"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/projections"
)

// send sends one command, as the viewer, to its service and returns what it
// recorded. The input goes to the service as it came: the service reads it
// strictly and names any field that breaks a rule.
func (r *Resolver) send(ctx context.Context, service, name string, input map[string]any, idempotencyKey *string, expectedVersion *int) (*CommandReceipt, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	req := command.Request[map[string]any]{Command: input, Actor: actor, CorrelationID: uuid.Must(uuid.NewV7())}
	if idempotencyKey != nil {
		var v errs.Check
		v.Required("idempotencyKey", *idempotencyKey)
		v.MaxLength("idempotencyKey", *idempotencyKey, 200)
		if err := v.Err(); err != nil {
			return nil, err
		}
		req.IdempotencyKey = viewersKey(actor, *idempotencyKey)
	}
	if expectedVersion != nil {
		if *expectedVersion < 0 {
			return nil, errs.Invalid("expectedVersion", "min", "must be 0 or more, not %d", *expectedVersion)
		}
		v := int64(*expectedVersion)
		req.ExpectedVersion = &v
	}
	ctx, cancel := context.WithTimeout(ctx, r.CommandTimeout)
	defer cancel()
	res, err := command.Send(ctx, r.NATS, command.Subject(r.Namespace, service, name), req)
	if err != nil {
		return nil, err
	}
	receipt := &CommandReceipt{
		Service: service, StreamID: res.StreamID, Version: int(res.Version), Position: int(res.Position), Replayed: res.Replayed,
	}
	if readsBack(ctx) {
		if err := r.caughtUp(ctx, receipt); err != nil {
			return nil, err
		}
	}
	return receipt, nil
}

// readsBack tells whether the mutation selects its receipt's read models.
// gqlgen resolves a field of the Query type without a resolver, so the
// mutation itself waits for them before answering.
func readsBack(ctx context.Context) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "query" {
			return true
		}
	}
	return false
}

// viewer is who the request acts for, from its bearer token.
func viewer(ctx context.Context) (events.Actor, error) {
	actor, ok := auth.ActorFrom(ctx)
	if !ok {
		return actor, errs.Newf(errs.Unauthenticated, "sign in: send a bearer token in the Authorization header")
	}
	return actor, nil
}

// viewersKey is the idempotency key the service keeps for key sent by
// actor. Keys are the viewer's own, so another person's key cannot replay
// their command's result; the length of the actor's id comes first, so
// that no id holding a "/" and key make the key of another id and key
// ("a/b" with "c" and "a" with "b/c").
func viewersKey(actor events.Actor, key string) string {
	return fmt.Sprintf("gateway/%d:%s/%s", len(actor.ID), actor.ID, key)
}

// caughtUp waits, bounded by ReadWait, until the read models show the
// command of receipt; if they do not in time it says so, with the receipt
// and how far behind each lagging read model is. Why one lags (a stopped
// projection's error, which may quote SQL) is for the operators: it is
// kept in the error's cause, which the gateway logs, not in its message.
func (r *Resolver) caughtUp(ctx context.Context, receipt *CommandReceipt) error {
	if r.Watcher == nil {
		return nil
	}
	wait, cancel := context.WithTimeout(ctx, r.ReadWait)
	defer cancel()
	err := r.Watcher.Wait(wait, receipt.Service, int64(receipt.Position))
	if err == nil {
		return nil
	}
	var behind map[string]int64
	if lag, ok := errors.AsType[*projections.LagError](err); ok {
		behind = lag.Behind
	}
	lag := ""
	for i, name := range slices.Sorted(maps.Keys(behind)) {
		if i == 0 {
			lag = " ("
		} else {
			lag += ", "
		}
		lag += fmt.Sprintf("%s %d events behind", name, behind[name])
	}
	if lag != "" {
		lag += ")"
	}
	return &gqlerror.Error{
		Err: err,
		Message: fmt.Sprintf("the command was recorded (%s version %d), but the read models have not shown it after %s%s: read them again shortly",
			receipt.StreamID, receipt.Version, r.ReadWait, lag),
		Path: graphql.GetPath(ctx),
		Extensions: map[string]any{
			"code": "STALE", "service": receipt.Service, "streamId": receipt.StreamID,
			"version": receipt.Version, "position": receipt.Position, "replayed": receipt.Replayed,
			"behind": behind,
		},
	}
}
