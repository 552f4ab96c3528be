package command

import (
	"container/list"
	"context"
	"fmt"
	"reflect"
	"sync"

	"wsms/events"
)

// states remembers the folded state of recently used streams, so that a
// command on a long stream (a mentoring record, a placement round) reads and
// applies only the events recorded since, not the whole history. It is safe
// because evolve functions never change the state they are given, and
// because the events after the remembered version are always read from the
// store: a state can be old, never wrong.
type states struct {
	mu      sync.Mutex
	max     int
	order   *list.List // most recent first
	entries map[stateKey]*list.Element
}

type stateKey struct {
	stream string
	kind   reflect.Type
}

type folded struct {
	key      stateKey
	state    any
	version  int64
	position int64 // of the stream's last event
}

func newStates(max int) *states {
	return &states{max: max, order: list.New(), entries: map[stateKey]*list.Element{}}
}

func (c *states) get(k stateKey) (folded, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return folded{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(folded), true
}

// put remembers f unless a later version is already remembered.
func (c *states) put(f folded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[f.key]; ok {
		if el.Value.(folded).version < f.version {
			el.Value = f
		}
		c.order.MoveToFront(el)
		return
	}
	c.entries[f.key] = c.order.PushFront(f)
	if c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(folded).key)
	}
}

// state returns the state of stream folded with evolve up to its last
// recorded event, with that event's version and position.
func state[S any](ctx context.Context, x *Executor, evolve func(S, any) S, stream string) (folded, error) {
	key := stateKey{stream: stream, kind: reflect.TypeFor[S]()}
	f, ok := x.states.get(key)
	if !ok {
		var zero S
		f = folded{key: key, state: zero}
	}
	recorded, err := x.store.LoadAfter(ctx, stream, f.version)
	if err != nil {
		return f, err
	}
	if len(recorded) == 0 {
		return f, nil
	}
	s := f.state.(S)
	for _, e := range recorded {
		payload, err := x.registry.Decode(e.Type, e.Data)
		if err != nil {
			return f, fmt.Errorf("%s: %w", stream, err)
		}
		s = evolve(s, payload)
	}
	last := recorded[len(recorded)-1]
	f = folded{key: key, state: s, version: last.StreamVersion, position: last.Position}
	x.states.put(f)
	return f, nil
}

// remember records the state after a command's own events were appended.
func remember[S any](x *Executor, evolve func(S, any) S, before folded, decided []any, appended []events.Envelope) {
	if len(appended) == 0 {
		return
	}
	s := before.state.(S)
	for _, e := range decided {
		s = evolve(s, e)
	}
	last := appended[len(appended)-1]
	x.states.put(folded{key: before.key, state: s, version: last.StreamVersion, position: last.Position})
}
