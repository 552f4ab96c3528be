package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// day parses a date field, or records which field is not a date.
func day(v *errs.Check, field string, d ep.Date) time.Time { return v.Date(field, string(d)) }

// today is the calendar day of a decision.
func today(m decider.Meta) ep.Date { return ep.Date(m.Today()) }

// daysBetween counts whole days from a to b.
func daysBetween(a, b ep.Date) int {
	ta, err1 := time.Parse(errs.DateLayout, string(a))
	tb, err2 := time.Parse(errs.DateLayout, string(b))
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// Chained returns decide with every event it decides linked into the
// record's hash chain: each event's Chain names the previous hash and its
// own, which covers the event's JSON as the event store will keep it.
func Chained[C any](decide func(Record, C, decider.Meta) ([]any, error)) func(Record, C, decider.Meta) ([]any, error) {
	return func(r Record, c C, m decider.Meta) ([]any, error) {
		decided, err := decide(r, c, m)
		if err != nil {
			return nil, err
		}
		prev := r.lastHash
		for i, e := range decided {
			v := reflect.New(reflect.TypeOf(e)).Elem()
			v.Set(reflect.ValueOf(e))
			field := v.FieldByName("Chain")
			if !field.IsValid() {
				return nil, fmt.Errorf("%T has no chain", e)
			}
			field.Set(reflect.ValueOf(mentoring.Chain{Prev: prev}))
			data, err := json.Marshal(v.Interface())
			if err != nil {
				return nil, err
			}
			hash, err := mentoring.LinkHash(prev, data)
			if err != nil {
				return nil, err
			}
			field.Set(reflect.ValueOf(mentoring.Chain{Prev: prev, Hash: hash}))
			decided[i], prev = v.Interface(), hash
		}
		return decided, nil
	}
}
