package domain_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"wsms/events/mentoring"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestEveryEventOfARecordLinksToTheOneBefore(t *testing.T) {
	t.Parallel()
	h := lifetime(t)
	types := map[string]bool{}
	hashes := map[string]bool{}
	prev := ""
	for i, e := range h {
		types[reflect.TypeOf(e).Name()] = true
		c, ok := e.(mentoring.Chained)
		if !ok {
			t.Fatalf("event %d, %T, is not chained", i+1, e)
		}
		link := c.Link()
		if link.Prev != prev {
			t.Fatalf("event %d, %T: prev %q, want the hash before it, %q", i+1, e, link.Prev, prev)
		}
		if want := linkHash(t, prev, marshal(t, e)); link.Hash != want || len(link.Hash) != 64 {
			t.Fatalf("event %d, %T: hash %q, want %q", i+1, e, link.Hash, want)
		}
		if hashes[link.Hash] {
			t.Fatalf("event %d, %T: hash %s used before", i+1, e, link.Hash)
		}
		hashes[link.Hash] = true
		prev = link.Hash
	}
	if len(types) != 13 {
		t.Fatalf("the history holds %d of the 13 kinds of record event: %v", len(types), types)
	}
}

func TestAnIntactRecordVerifies(t *testing.T) {
	t.Parallel()
	h := lifetime(t)
	if got, want := domain.VerifyChain(stored(t, h)), (domain.Verification{Events: len(h), Intact: true}); got != want {
		t.Fatalf("VerifyChain = %+v, want %+v", got, want)
	}
	if got, want := domain.VerifyChain(nil), (domain.Verification{Intact: true}); got != want {
		t.Fatalf("VerifyChain of nothing = %+v, want %+v", got, want)
	}
	t.Run("re-encoded with other key order and spacing", func(t *testing.T) {
		t.Parallel()
		s := stored(t, h)
		for i := range s {
			var fields map[string]any
			if err := json.Unmarshal(s[i].Data, &fields); err != nil {
				t.Fatal(err)
			}
			var err error
			if s[i].Data, err = json.MarshalIndent(fields, "", "  "); err != nil {
				t.Fatal(err)
			}
		}
		if got := domain.VerifyChain(s); !got.Intact {
			t.Fatalf("VerifyChain of the same JSON re-encoded = %+v", got)
		}
	})
}

func TestChangingAnyEventBreaksTheChainAtIt(t *testing.T) {
	t.Parallel()
	h := lifetime(t)
	for i := range h {
		t.Run(fmt.Sprintf("%d %s", i+1, reflect.TypeOf(h[i]).Name()), func(t *testing.T) {
			t.Parallel()
			s := stored(t, h)
			s[i].Data = edited(t, s[i].Data, "recordId", unknownID)
			got := domain.VerifyChain(s)
			want := domain.Verification{Events: len(h), BrokenAt: int64(i + 1), Reason: "its content was changed after it was recorded"}
			if got != want {
				t.Fatalf("VerifyChain = %+v, want %+v", got, want)
			}
		})
	}
}

func TestEveryKindOfTamperingIsFound(t *testing.T) {
	t.Parallel()
	h := lifetime(t)
	observation := indexOf[mentoring.ObservationRecorded](t, h)
	moderated := indexOf[mentoring.AssessmentModerated](t, h)
	for _, tc := range []struct {
		name   string
		tamper func(*testing.T, []domain.StoredEvent) []domain.StoredEvent
		at     int // 1-based position of the first broken link
		reason string
	}{
		{"a rating raised", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			e := h[observation].(mentoring.ObservationRecorded)
			e.Content.Ratings = ratings(mentoring.DefaultFramework(), 4)
			s[observation].Data = marshal(t, e)
			return s
		}, observation + 1, "its content was changed after it was recorded"},
		{"the recommendation changed", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			s[moderated].Data = edited(t, s[moderated].Data, "recommendation", "distinction")
			return s
		}, moderated + 1, "its content was changed after it was recorded"},
		{"a member added", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			s[3].Data = edited(t, s[3].Data, "note", "added later")
			return s
		}, 4, "its content was changed after it was recorded"},
		{"a hash replaced", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			c := h[2].(mentoring.RecordTutorAssigned).Chain
			c.Hash = c.Prev
			s[2].Data = edited(t, s[2].Data, "chain", c)
			return s
		}, 3, "its content was changed after it was recorded"},
		{"a change with its own hash recomputed", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			e := h[observation].(mentoring.ObservationRecorded)
			e.Content.Ratings = ratings(mentoring.DefaultFramework(), 4)
			e.Chain.Hash = linkHash(t, e.Chain.Prev, marshal(t, e))
			s[observation].Data = marshal(t, e)
			return s
		}, observation + 2, "it does not follow the event before it"},
		{"two events swapped", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			s[4].Data, s[5].Data = s[5].Data, s[4].Data
			return s
		}, 5, "it does not follow the event before it"},
		{"the last event moved first", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			last := s[len(s)-1].Data
			copy(s[1:], s[:len(s)-1])
			for i := range s {
				s[i].Version = int64(i + 1)
			}
			s[0].Data = last
			return s
		}, 1, "it does not follow the event before it"},
		{"an event removed", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			return slices.Delete(s, 6, 7)
		}, 8, "it does not follow the event before it"},
		{"the chain's prev rewritten", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			c := h[7].(mentoring.Chained).Link()
			c.Prev = "0000"
			s[7].Data = edited(t, s[7].Data, "chain", c)
			return s
		}, 8, "it does not follow the event before it"},
		{"unreadable", func(t *testing.T, s []domain.StoredEvent) []domain.StoredEvent {
			s[9].Data = s[9].Data[:len(s[9].Data)/2]
			return s
		}, 10, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.tamper(t, stored(t, h))
			got := domain.VerifyChain(s)
			if got.Intact || got.BrokenAt != int64(tc.at) || got.Events != len(s) || got.Reason == "" {
				t.Fatalf("VerifyChain = %+v, want broken at %d", got, tc.at)
			}
			if tc.reason != "" && got.Reason != tc.reason {
				t.Fatalf("reason %q, want %q", got.Reason, tc.reason)
			}
		})
	}
}

// TestGivenEventsWithoutChainsContinueFromTheLastHash builds the history by
// hand: the record remembers only the last event's hash.
func TestGivenEventsWithoutChainsContinueFromTheLastHash(t *testing.T) {
	t.Parallel()
	given := []any{
		mentoring.RecordOpened{RecordID: recordID, RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: "English", Windows: windows()},
		mentoring.RecordMentorAssigned{RecordID: recordID, MentorID: mentorID},
		mentoring.RecordTutorAssigned{RecordID: recordID, TutorID: tutorID, Chain: mentoring.Chain{Hash: "feedface"}},
	}
	got, err := app.SubmitReflection.Run(given, reflection(), student)
	if err != nil || len(got) != 1 {
		t.Fatalf("then %#v / %v", got, err)
	}
	link := got[0].(mentoring.Chained).Link()
	if link.Prev != "feedface" || link.Hash != linkHash(t, "feedface", marshal(t, got[0])) {
		t.Fatalf("chain %+v does not continue from feedface", link)
	}
	again, err := app.SubmitReflection.Run(given, reflection(), student)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("the same decision on the same record differs: %#v", again)
	}
}

// TestChainedLinksEveryEventOfADecision wraps deciders of its own: one that
// decides two events at once, one that decides an event with no chain, and
// one that refuses.
func TestChainedLinksEveryEventOfADecision(t *testing.T) {
	t.Parallel()
	given := placed(t)
	state := app.SubmitReflection.Fold(given)
	last := given[len(given)-1].(mentoring.Chained).Link().Hash
	decide := func(decided []any, err error) func(domain.Record, struct{}, decider.Meta) ([]any, error) {
		return domain.Chained(func(domain.Record, struct{}, decider.Meta) ([]any, error) { return decided, err })
	}
	t.Run("two events", func(t *testing.T) {
		t.Parallel()
		got, err := decide([]any{
			mentoring.ConcernRaised{RecordID: recordID, ConcernID: concernID, RaisedBy: tutorID, Category: "other", Severity: "low", Description: "x"},
			mentoring.ConcernResolved{RecordID: recordID, ConcernID: concernID, Note: "y"},
		}, nil)(state, struct{}{}, tutor)
		if err != nil || len(got) != 2 {
			t.Fatalf("then %#v / %v", got, err)
		}
		prev := last
		for i, e := range got {
			link := e.(mentoring.Chained).Link()
			if link.Prev != prev || link.Hash != linkHash(t, prev, marshal(t, e)) {
				t.Fatalf("event %d: chain %+v does not follow %q", i+1, link, prev)
			}
			prev = link.Hash
		}
		if v := domain.VerifyChain(stored(t, slices.Concat(given, got))); !v.Intact {
			t.Fatalf("VerifyChain = %+v", v)
		}
	})
	t.Run("an event with no chain", func(t *testing.T) {
		t.Parallel()
		got, err := decide([]any{mentoring.PolicySet{AmendDays: 3}}, nil)(state, struct{}{}, faculty)
		if err == nil || got != nil {
			t.Fatalf("then %#v / %v, want an error", got, err)
		}
	})
	t.Run("a refusal", func(t *testing.T) {
		t.Parallel()
		got, err := decide(nil, errs.Newf(errs.Conflict, "no"))(state, struct{}{}, faculty)
		thenRefused(t, got, err, errs.Conflict)
	})
}
