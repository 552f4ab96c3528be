// Package decidertest holds the assertions of given/when/then tests of
// deciders: then these events, then nothing, then refused with a code, then
// refused because a field breaks a rule.
package decidertest

import (
	"reflect"
	"testing"

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
