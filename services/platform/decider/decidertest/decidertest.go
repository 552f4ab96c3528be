// Package decidertest holds the assertions of given/when/then tests of
// deciders: then these events, then nothing, then refused with a code, then
// refused because a field breaks a rule.
package decidertest

import (
	"reflect"
	"testing"

	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Events asserts that the command was decided into exactly want.
func Events(t testing.TB, got []any, err error, want ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("then error %v, want %d events", err, len(want))
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("then\n  %#v\nwant\n  %#v", got, want)
	}
}

// Nothing asserts that the command was accepted and changed nothing.
func Nothing(t testing.TB, got []any, err error) {
	t.Helper()
	if err != nil || len(got) != 0 {
		t.Fatalf("then %#v / %v, want no event and no error", got, err)
	}
}

// Refused asserts that the command was refused with code, recording
// nothing, and returns the refusal.
func Refused(t testing.TB, got []any, err error, code errs.Code) *errs.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("then %#v, want %s", got, code)
	}
	e := errs.As(err)
	if e.Code != code || len(got) != 0 {
		t.Fatalf("then %#v / %v (%s), want %s", got, err, e.Code, code)
	}
	return e
}

// Invalid asserts that the command was refused because field breaks rule.
func Invalid(t testing.TB, got []any, err error, field, rule string) *errs.Error {
	t.Helper()
	e := Refused(t, got, err, errs.Validation)
	if e.Field != field || e.Rule != rule {
		t.Fatalf("then VALIDATION on %s (%s): %v; want %s (%s)", e.Field, e.Rule, err, field, rule)
	}
	return e
}

// Case is a change to a valid command that breaks one rule.
type Case[C any] struct {
	Name        string
	Change      func(*C)
	Field, Rule string
}

// Runner decides a command after given events: a decider.Handler or a use
// case built on one.
type Runner[C any] interface {
	Run(given []any, c C, m decider.Meta) ([]any, error)
}

// EachInvalid runs every case, in parallel: the valid command, changed,
// decided after given by m, must be refused because the case's field breaks
// its rule.
func EachInvalid[C any](t *testing.T, given []any, r Runner[C], valid func() C, m decider.Meta, cases []Case[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c := valid()
			tc.Change(&c)
			got, err := r.Run(given, c, m)
			Invalid(t, got, err, tc.Field, tc.Rule)
		})
	}
}

// ForbiddenTo asserts, in parallel, that each of the actors is refused.
func ForbiddenTo(t *testing.T, actors map[string]decider.Meta, when func(decider.Meta) ([]any, error)) {
	t.Helper()
	for name, m := range actors {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := when(m)
			Refused(t, got, err, errs.Forbidden)
		})
	}
}
