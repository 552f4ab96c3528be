// Package decider is the shape of every aggregate's pure domain code: decide
// a command against state folded from events, with no I/O, so that a rule is
// tested as given events / when command / then events or error.
package decider

import (
	"time"

	"wsms/events"
)

// Meta is what a decision may know besides state and command: who asks, and
// when. It is passed in, so that decide stays pure.
type Meta struct {
	Actor events.Actor
	Now   time.Time
}

// Today is the calendar day of the decision where the partnership works,
// "2027-09-01": deadlines and practicum windows are days there, whatever
// the server's clock zone.
func (m Meta) Today() string { return m.Now.In(partnershipZone()).Format("2006-01-02") }

// partnershipZone is Hong Kong time, which has no daylight saving.
func partnershipZone() *time.Location { return time.FixedZone("HKT", 8*60*60) }

// Handler is one command of one aggregate, as pure functions.
type Handler[S, C any] struct {
	// Name is the command's name on the wire ("register-school").
	Name string
	// Stream names the stream the command addresses, or refuses a command
	// whose identifiers are malformed.
	Stream func(C) (string, error)
	// Evolve applies one recorded event to the state; it never fails.
	Evolve func(S, any) S
	// Decide checks every rule and returns the events to record, or a
	// domain error (errs.Error) saying which rule refused the command.
	Decide func(S, C, Meta) ([]any, error)
}

// Fold returns the state after the given events.
func (h Handler[S, C]) Fold(given []any) S {
	var s S
	for _, e := range given {
		s = h.Evolve(s, e)
	}
	return s
}

// Run decides c after the given events: the whole of a command's logic,
// without storage.
func (h Handler[S, C]) Run(given []any, c C, m Meta) ([]any, error) {
	return h.Decide(h.Fold(given), c, m)
}
