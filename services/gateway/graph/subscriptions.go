package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/platform/errs"
)

// liveInterval is the least time between two reads of a live value, so a
// burst of events costs a subscriber one query per interval, not one per
// batch.
const liveInterval = 200 * time.Millisecond

// maxLiveSubscriptions is how many live subscriptions one viewer may hold
// at once: each keeps a goroutine reading the read models again after
// every change, so a viewer opening them without bound would load the
// database for everyone.
const maxLiveSubscriptions = 10

// liveSubscriptions counts each viewer's live subscriptions, by actor id;
// its zero value counts none.
type liveSubscriptions struct {
	mu     sync.Mutex
	active map[string]int
}

// take counts a new live subscription of viewer, refusing it when they
// hold maxLiveSubscriptions already.
func (l *liveSubscriptions) take(viewer string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[viewer] >= maxLiveSubscriptions {
		return &errs.Error{Code: errs.Forbidden, Rule: "max_subscriptions",
			Message: fmt.Sprintf("you hold %d live subscriptions, the most one viewer may: end one before starting another", maxLiveSubscriptions)}
	}
	if l.active == nil {
		l.active = map[string]int{}
	}
	l.active[viewer]++
	return nil
}

// release uncounts a live subscription of viewer that ended.
func (l *liveSubscriptions) release(viewer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[viewer]--; l.active[viewer] <= 0 {
		delete(l.active, viewer)
	}
}

// live serves a subscription to what read returns. read runs once at once:
// its error (who may not read it, what does not exist) refuses the
// subscription. Its value is sent, then read runs again after each change
// the watcher sees, at most every liveInterval, and the value is sent
// whenever the JSON of what it shows differs from the last one sent, until
// ctx ends (the client went away). A viewer holds at most
// maxLiveSubscriptions live ones at once: the next is refused with
// FORBIDDEN until one ends. What a value shows is the value itself
// (itself), unless some of its fields have resolvers of their own: then
// shows must read what they would show. With no watcher there are no live
// updates: the value is sent once and the subscription ends. A later read
// that fails ends the subscription too, so the client knows to subscribe
// again rather than waiting on a value that no longer follows the read
// models.
func live[T any](ctx context.Context, r *Resolver, read func(context.Context) (*T, error), shows func(context.Context, *T) (any, error)) (<-chan *T, error) {
	w := r.Watcher
	var changed <-chan struct{}
	var holder string
	if w != nil {
		actor, err := viewer(ctx)
		if err != nil {
			return nil, err
		}
		if err := r.subscriptions.take(actor.ID); err != nil {
			return nil, err
		}
		holder = actor.ID
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
		if w != nil {
			r.subscriptions.release(holder)
		}
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
		defer r.subscriptions.release(holder)
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
	round, err := r.placementRound(ctx, id)
	if err == nil && round == nil {
		err = noRound("id", id)
	}
	return round, err
}

// roundShows is what the round view of round shows to the viewer: its head,
// and, as its offers, registrations, declines and ineligible schools have
// resolvers of their own, a digest of each of those lists as the viewer
// may see it (every registration they may see, whatever page or filter
// they asked for). A change the viewer may not see (another school's
// offer, another student-teacher's registration) changes no digest, so it
// sends them nothing: when a push comes says nothing of others' records.
func (r *Resolver) roundShows(ctx context.Context, round *PlacementRound) (any, error) {
	scope, err := placementScopeOf(ctx)
	if err != nil {
		return nil, err
	}
	lists := []query{offersQuery(scope, round.ID), registrationsList(scope, round.ID, nil, nil).whole(),
		declinesQuery(scope, round.ID), ineligibleSchoolsQuery(scope, round.ID)}
	digests := make([]string, len(lists))
	b := &pgx.Batch{}
	for i, q := range lists {
		b.Queue("SELECT md5(coalesce(string_agg(x::text, ','), '')) FROM ("+q.sql+") x", q.args...).
			QueryRow(func(row pgx.Row) error { return row.Scan(&digests[i]) })
	}
	if err := r.DB.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("digest of round %s: %w", round.ID, err)
	}
	return []any{round, digests}, nil
}
