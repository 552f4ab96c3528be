package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

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
// whenever its JSON differs from the last one sent, until ctx ends (the
// client went away). With no watcher there are no live updates: the value
// is sent once and the subscription ends. A later read that fails ends the
// subscription too, so the client knows to subscribe again rather than
// waiting on a value that no longer follows the read models.
func live[T any](ctx context.Context, w *projections.Watcher, read func(context.Context) (*T, error)) (<-chan *T, error) {
	var changed <-chan struct{}
	if w != nil {
		// Taken before the read, so a change during it is not missed.
		changed = w.Changed()
	}
	first, err := read(ctx)
	if err != nil {
		return nil, err
	}
	last, err := json.Marshal(first)
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
			v, err := read(ctx)
			if err != nil {
				return
			}
			b, err := json.Marshal(v)
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
