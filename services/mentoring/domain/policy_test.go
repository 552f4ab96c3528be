package domain_test

import (
	"fmt"
	"testing"

	"wsms/events/mentoring"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheFacultySetsTheMentoringPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		given []any
		c     domain.SetPolicy
	}{
		{"stricter than the defaults", nil, setPolicy()},
		{"no minimums, no amendments", nil, domain.SetPolicy{}},
		{"the highest bounds", nil, domain.SetPolicy{MinMentorObservations: 20, MinTutorObservations: 20, AmendDays: 60}},
		{"back to the defaults", []any{mentoring.PolicySet(setPolicy())}, domain.SetPolicy{
			MinMentorObservations: mentoring.DefaultMinMentorObservations, MinTutorObservations: mentoring.DefaultMinTutorObservations, AmendDays: mentoring.DefaultAmendDays}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.SetPolicy.Run(tc.given, tc.c, faculty)
			thenEvents(t, got, err, mentoring.PolicySet(tc.c))
		})
	}
	for _, tc := range []struct {
		name  string
		given []any
		c     domain.SetPolicy
	}{
		{"the defaults, never changed", nil, domain.SetPolicy{
			MinMentorObservations: mentoring.DefaultMinMentorObservations, MinTutorObservations: mentoring.DefaultMinTutorObservations, AmendDays: mentoring.DefaultAmendDays}},
		{"the policy in force", []any{mentoring.PolicySet(setPolicy())}, setPolicy()},
	} {
		t.Run(tc.name+" again", func(t *testing.T) {
			t.Parallel()
			got, err := app.SetPolicy.Run(tc.given, tc.c, faculty)
			thenNothing(t, got, err)
		})
	}
	thenEachInvalid(t, nil, app.SetPolicy, setPolicy, faculty, []invalid[domain.SetPolicy]{
		{"negative school minimum", func(c *domain.SetPolicy) { c.MinMentorObservations = -1 }, "minMentorObservations", "range"},
		{"school minimum of 21", func(c *domain.SetPolicy) { c.MinMentorObservations = 21 }, "minMentorObservations", "range"},
		{"negative tutor minimum", func(c *domain.SetPolicy) { c.MinTutorObservations = -1 }, "minTutorObservations", "range"},
		{"tutor minimum of 21", func(c *domain.SetPolicy) { c.MinTutorObservations = 21 }, "minTutorObservations", "range"},
		{"negative amendment days", func(c *domain.SetPolicy) { c.AmendDays = -1 }, "amendDays", "range"},
		{"61 amendment days", func(c *domain.SetPolicy) { c.AmendDays = 61 }, "amendDays", "range"},
	})
	thenForbiddenTo(t, actorsBut(faculty), func(m decider.Meta) ([]any, error) {
		return app.SetPolicy.Run(nil, setPolicy(), m)
	})
}

func TestThePolicyInForceHasTheDefaultsUntilSet(t *testing.T) {
	t.Parallel()
	if got, want := (domain.Policy{}).Rules(), (mentoring.PolicySet{MinMentorObservations: 4, MinTutorObservations: 2, AmendDays: 7}); got != want {
		t.Fatalf("default rules %+v, want %+v", got, want)
	}
	given := []any{mentoring.PolicySet(setPolicy()), mentoring.PolicySet{MinMentorObservations: 6, MinTutorObservations: 1, AmendDays: 0}}
	if got, want := app.SetPolicy.Fold(given).Rules(), (mentoring.PolicySet{MinMentorObservations: 6, MinTutorObservations: 1, AmendDays: 0}); got != want {
		t.Fatalf("rules %+v, want the last set, %+v", got, want)
	}
}

func TestAmendingFollowsThePolicysDays(t *testing.T) {
	t.Parallel()
	given := observed(t, placed(t), observationID, teacher)
	for _, tc := range []struct {
		amendDays, after int
		refused          bool
	}{
		{0, 0, false},
		{0, 1, true},
		{3, 3, false},
		{3, 4, true},
		{10, mentoring.DefaultAmendDays + 1, false},
		{10, 11, true},
	} {
		t.Run(fmt.Sprintf("%d days allowed, %d days later", tc.amendDays, tc.after), func(t *testing.T) {
			t.Parallel()
			c := amend(observationID)
			c.Policy = policy(mentoring.DefaultMinMentorObservations, mentoring.DefaultMinTutorObservations, tc.amendDays)
			got, err := app.AmendObservation.Run(given, c, daysLater(teacher, tc.after))
			if tc.refused {
				thenRefused(t, got, err, errs.Conflict)
				return
			}
			thenEvents(t, got, err, mentoring.ObservationAmended{RecordID: recordID, ObservationID: observationID, Content: c.Content, Reason: c.Reason})
		})
	}
}

func TestTheFinalAssessmentFollowsThePolicysMinimums(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		given           func(*testing.T) []any
		school, byTutor int
		refused         bool
	}{
		{"no minimums, no observations", placed, 0, 0, false},
		{"the default minimum, short of a stricter policy's school observations", observedEnough, mentoring.DefaultMinMentorObservations + 1, mentoring.DefaultMinTutorObservations, true},
		{"the default minimum, short of a stricter policy's tutor observations", observedEnough, mentoring.DefaultMinMentorObservations, mentoring.DefaultMinTutorObservations + 1, true},
		{"a laxer policy's minimum", func(t *testing.T) []any { return observations(t, placed(t), 1, mentor, tutor) }, 1, 1, false},
		{"short of a laxer policy's minimum", func(t *testing.T) []any { return observations(t, placed(t), 1, mentor) }, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := assessment()
			c.Policy = policy(tc.school, tc.byTutor, mentoring.DefaultAmendDays)
			got, err := app.SubmitFinalAssessment.Run(tc.given(t), c, mentor)
			if tc.refused {
				thenInvalid(t, got, err, "minimumOverride", "minimum_observations")
				return
			}
			thenEvents(t, got, err, mentoring.FinalAssessmentSubmitted{RecordID: recordID, MentorID: mentorID, Recommendation: c.Recommendation, Summary: c.Summary})
		})
	}
}
