package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"wsms/platform/errs"
	"wsms/projections"
)

// liveInterval is the least time between two reads of a live value, so a
// burst of events costs a subscriber one query per interval, not one per
// batch.
const liveInterval = 200 * time.Millisecond

// live serves a subscription to what read returns. read runs once at once:
// its error (who may not read it, what does not exist) refuses the
// subscription. Its value is sent, then read runs again after each change
// the watcher sees, at most every liveInterval, and the value is sent
// whenever the JSON of what it shows differs from the last one sent, until
// ctx ends (the client went away). What a value shows is the value itself
// (itself), unless some of its fields have resolvers of their own: then
// shows must read what they would show. With no watcher there are no live
// updates: the value is sent once and the subscription ends. A later read
// that fails ends the subscription too, so the client knows to subscribe
// again rather than waiting on a value that no longer follows the read
// models.
func live[T any](ctx context.Context, w *projections.Watcher, read func(context.Context) (*T, error), shows func(context.Context, *T) (any, error)) (<-chan *T, error) {
	var changed <-chan struct{}
	if w != nil {
		// Taken before the read, so a change during it is not missed.
		changed = w.Changed()
	}
	// seen reads a value and the JSON of what it shows.
	seen := func() (*T, []byte, error) {
		v, err := read(ctx)
		if err != nil {
			return nil, nil, err
		}
		s, err := shows(ctx, v)
		if err != nil {
			return nil, nil, err
		}
		b, err := json.Marshal(s)
		return v, b, err
	}
	first, last, err := seen()
	if err != nil {
		return nil, err
	}
	out := make(chan *T, 1)
	out <- first
	if w == nil {
		close(out)
		return out, nil
	}
	go func() {
		defer close(out)
		readAt := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-changed:
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(readAt.Add(liveInterval))):
			}
			changed, readAt = w.Changed(), time.Now()
			v, b, err := seen()
			if err != nil {
				return
			}
			if bytes.Equal(b, last) {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case out <- v:
				last = b
			}
		}
	}()
	return out, nil
}

// itself is what a value shows when its fields hold all of it.
func itself[T any](_ context.Context, v *T) (any, error) { return v, nil }

// livePlacementRound reads the round view's head for its subscription: a round
// that does not exist (or that the viewer may not see) refuses it.
func (r *Resolver) livePlacementRound(ctx context.Context, id string) (*PlacementRound, error) {
	round, err := (&queryResolver{r}).PlacementRound(ctx, id)
	if err == nil && round == nil {
		err = &errs.Error{Code: errs.NotFound, Field: "id", Rule: "exists", Message: fmt.Sprintf("no placement round %s", id)}
	}
	return round, err
}

// roundShows is what the round view of round shows: its head, and, as its
// offers, registrations, declines and ineligible schools have resolvers of
// their own, a digest of the round's rows they read. A change at another
// school of the round sends a school's staff their view again unchanged:
// the digest is over every row, and says nothing of them.
func (r *Resolver) roundShows(ctx context.Context, round *PlacementRound) (any, error) {
	var digest string
	err := r.DB.QueryRow(ctx, `
		SELECT md5(concat_ws('|',
			(SELECT string_agg(x::text, ',' ORDER BY x.school_id) FROM rm_placements.offer_schools x WHERE x.round_id = $1),
			(SELECT string_agg(x::text, ',' ORDER BY x.school_id, x.subject) FROM rm_placements.offers x WHERE x.round_id = $1),
			(SELECT string_agg(x::text, ',' ORDER BY x.student_id) FROM rm_placements.students x WHERE x.round_id = $1),
			(SELECT string_agg(x::text, ',' ORDER BY x.student_id) FROM rm_placements.placements x WHERE x.round_id = $1),
			(SELECT string_agg(x::text, ',' ORDER BY x.student_id, x.school_id) FROM rm_placements.declines x WHERE x.round_id = $1),
			(SELECT string_agg(x::text, ',' ORDER BY x.school_id) FROM rm_placements.ineligible_schools x WHERE x.round_id = $1)))`,
		round.ID).Scan(&digest)
	if err != nil {
		return nil, fmt.Errorf("digest of round %s: %w", round.ID, err)
	}
	return []any{round, digest}, nil
}
