package domain_test

import (
	"fmt"
	"testing"
	"time"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTeachersOfTheHostSchoolAndTheTutorObserve(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		m    decider.Meta
		role string
	}{
		{"the assigned mentor", mentor, mentoring.ObserverMentor},
		{"the assigned mentor as coordinator", as(events.RoleSchoolCoordinator, mentorID, schoolID), mentoring.ObserverMentor},
		{"another teacher", teacher, mentoring.ObserverTeacher},
		{"the school coordinator", coordinator, mentoring.ObserverTeacher},
		{"the assigned tutor", tutor, mentoring.ObserverTutor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordObservation.Run(placed(t), observe(observationID), tc.m)
			thenEvents(t, got, err, recorded(observationID, tc.m, tc.role, ""))
		})
	}
	given := placed(t)
	thenForbiddenTo(t, actorsBut(mentor, teacher, coordinator, tutor), func(m decider.Meta) ([]any, error) {
		return app.RecordObservation.Run(given, observe(observationID), m)
	})
}

func TestObserverRolesFollowTheAssignments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		given func(*testing.T) []any
		m     decider.Meta
		role  string // "" for refused
	}{
		{"a mentor before any mentor is assigned", opened, mentor, mentoring.ObserverTeacher},
		{"a tutor before any tutor is assigned", opened, tutor, ""},
		{"the former mentor", func(t *testing.T) []any {
			return after(t, placed(t), app.AssignRecordMentor, domain.AssignRecordMentor{RecordID: recordID, MentorID: teacherID}, office)
		}, mentor, mentoring.ObserverTeacher},
		{"the new mentor", func(t *testing.T) []any {
			return after(t, placed(t), app.AssignRecordMentor, domain.AssignRecordMentor{RecordID: recordID, MentorID: teacherID}, office)
		}, teacher, mentoring.ObserverMentor},
		{"the former tutor", func(t *testing.T) []any {
			return after(t, placed(t), app.AssignTutor, domain.AssignTutor{RecordID: recordID, TutorID: otherTutorID}, faculty)
		}, tutor, ""},
		{"the new tutor", func(t *testing.T) []any {
			return after(t, placed(t), app.AssignTutor, domain.AssignTutor{RecordID: recordID, TutorID: otherTutorID}, faculty)
		}, otherTutor, mentoring.ObserverTutor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordObservation.Run(tc.given(t), observe(observationID), tc.m)
			if tc.role == "" {
				thenRefused(t, got, err, errs.Forbidden)
				return
			}
			thenEvents(t, got, err, recorded(observationID, tc.m, tc.role, ""))
		})
	}
}

func TestAJointObservationNamesItsCoObserver(t *testing.T) {
	t.Parallel()
	c := observe(observationID)
	c.CoObserverID = tutorID
	got, err := app.RecordObservation.Run(placed(t), c, mentor)
	thenEvents(t, got, err, recorded(observationID, mentor, mentoring.ObserverMentor, tutorID))
}

func TestRecordingRefusesAMalformedObservation(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, placed(t), app.RecordObservation, func() domain.RecordObservation { return observe(observationID) }, mentor, []invalid[domain.RecordObservation]{
		{"record id not a UUID", func(c *domain.RecordObservation) { c.RecordID = "r1" }, "recordId", "uuid"},
		{"no observation id", func(c *domain.RecordObservation) { c.ObservationID = "" }, "observationId", "required"},
		{"co-observer not a UUID", func(c *domain.RecordObservation) { c.CoObserverID = "Dr Chan" }, "coObserverId", "uuid"},
		{"co-observer is the observer", func(c *domain.RecordObservation) { c.CoObserverID = mentorID }, "coObserverId", "other_observer"},
		{"co-observer neither mentor nor tutor", func(c *domain.RecordObservation) { c.CoObserverID = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e77" }, "coObserverId", "mentor_or_tutor"},
		{"date not a date", func(c *domain.RecordObservation) { c.Content.Date = "19 Oct" }, "content.date", "date"},
		{"no class", func(c *domain.RecordObservation) { c.Content.Class = "" }, "content.class", "required"},
		{"long class", func(c *domain.RecordObservation) { c.Content.Class = long(51) }, "content.class", "max_length"},
		{"no subject", func(c *domain.RecordObservation) { c.Content.Subject = " " }, "content.subject", "required"},
		{"no topic", func(c *domain.RecordObservation) { c.Content.Topic = "" }, "content.topic", "required"},
		{"long topic", func(c *domain.RecordObservation) { c.Content.Topic = long(301) }, "content.topic", "max_length"},
		{"long strengths", func(c *domain.RecordObservation) { c.Content.Strengths = long(5001) }, "content.strengths", "max_length"},
		{"long areas for development", func(c *domain.RecordObservation) { c.Content.AreasForDevelopment = long(5001) }, "content.areasForDevelopment", "max_length"},
		{"blank action point", func(c *domain.RecordObservation) {
			c.Content.ActionPoints = append(c.Content.ActionPoints, "")
		}, "content.actionPoints[1]", "required"},
		{"before the placement", func(c *domain.RecordObservation) { c.Content.Date = "2027-09-30" }, "content.date", "within_placement"},
		{"between the blocks", func(c *domain.RecordObservation) { c.Content.Date = "2027-11-01" }, "content.date", "within_placement"},
		{"after the placement", func(c *domain.RecordObservation) { c.Content.Date = "2028-01-10" }, "content.date", "within_placement"},
		{"rating 0", func(c *domain.RecordObservation) { c.Content.Ratings["planning"] = 0 }, "content.ratings.planning", "scale"},
		{"rating above the scale", func(c *domain.RecordObservation) { c.Content.Ratings["strategies"] = 5 }, "content.ratings.strategies", "scale"},
		{"negative rating", func(c *domain.RecordObservation) { c.Content.Ratings["conduct"] = -1 }, "content.ratings.conduct", "scale"},
		{"rating a domain the version lacks", func(c *domain.RecordObservation) { c.Content.Ratings["creativity"] = 3 }, "content.ratings.creativity", "framework_domain"},
		{"a domain unrated", func(c *domain.RecordObservation) { delete(c.Content.Ratings, "reflection") }, "content.ratings.reflection", "required"},
		{"no ratings", func(c *domain.RecordObservation) { c.Content.Ratings = nil }, "content.ratings.planning", "required"},
		{"version 0", func(c *domain.RecordObservation) { c.Content.FrameworkVersion = 0 }, "content.frameworkVersion", "known_version"},
		{"version not published", func(c *domain.RecordObservation) { c.Content.FrameworkVersion = 2 }, "content.frameworkVersion", "known_version"},
	})
}

// TestObservationsAreRatedAgainstTheVersionTheyName publishes version 2,
// with other domains and five levels, and rates against both versions.
func TestObservationsAreRatedAgainstTheVersionTheyName(t *testing.T) {
	t.Parallel()
	fw := framework(published(t, numeracyFramework()))
	v2, _ := fw.Version(2)
	for _, tc := range []struct {
		name        string
		version     int
		ratings     map[string]int
		field, rule string // "" for accepted
	}{
		{"version 2, top of its scale", 2, ratings(v2, 5), "", ""},
		{"version 2, bottom of its scale", 2, ratings(v2, 1), "", ""},
		{"version 1, still in force for its observations", 1, ratings(mentoring.DefaultFramework(), 4), "", ""},
		{"version 1 with version 2's top level", 1, ratings(mentoring.DefaultFramework(), 5), "content.ratings.assessment", "scale"},
		{"version 2 with version 1's domains", 2, ratings(mentoring.DefaultFramework(), 3), "content.ratings.assessment", "framework_domain"},
		{"version 1 with version 2's domains", 1, ratings(v2, 3), "content.ratings.data_talk", "framework_domain"},
		{"version 2 above its scale", 2, map[string]int{"number_sense": 6, "data_talk": 1}, "content.ratings.number_sense", "scale"},
		{"version 2 with a domain unrated", 2, map[string]int{"number_sense": 2}, "content.ratings.data_talk", "required"},
		{"version 3, not yet published", 3, ratings(v2, 3), "content.frameworkVersion", "known_version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := observe(observationID)
			c.Framework, c.Content.FrameworkVersion, c.Content.Ratings = fw, tc.version, tc.ratings
			got, err := app.RecordObservation.Run(placed(t), c, tutor)
			if tc.field != "" {
				thenInvalid(t, got, err, tc.field, tc.rule)
				return
			}
			want := recorded(observationID, tutor, mentoring.ObserverTutor, "")
			want.Content.FrameworkVersion, want.Content.Ratings = tc.version, tc.ratings
			thenEvents(t, got, err, want)
		})
	}
}

func TestAnObservationIsRecordedOnce(t *testing.T) {
	t.Parallel()
	given := observed(t, placed(t), observationID, teacher)
	for name, m := range map[string]decider.Meta{"by its author": teacher, "by someone else": tutor} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordObservation.Run(given, observe(observationID), m)
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestTheAuthorAmendsAnObservationForAWeek(t *testing.T) {
	t.Parallel()
	given := observed(t, placed(t), observationID, tutor)
	for _, tc := range []struct {
		days int
		code errs.Code // "" for accepted
	}{
		{0, ""},
		{1, ""},
		{mentoring.DefaultAmendDays, ""},
		{mentoring.DefaultAmendDays + 1, errs.Conflict},
		{30, errs.Conflict},
	} {
		t.Run(fmt.Sprintf("%d days later", tc.days), func(t *testing.T) {
			t.Parallel()
			c := amend(observationID)
			got, err := app.AmendObservation.Run(given, c, daysLater(tutor, tc.days))
			if tc.code != "" {
				thenRefused(t, got, err, tc.code)
				return
			}
			thenEvents(t, got, err, mentoring.ObservationAmended{RecordID: recordID, ObservationID: observationID, Content: c.Content, Reason: c.Reason})
		})
	}
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		twice := after(t, given, app.AmendObservation, amend(observationID), tutor)
		got, err := app.AmendObservation.Run(twice, amend(observationID), daysLater(tutor, 2))
		if err != nil || len(got) != 1 {
			t.Fatalf("second amendment: %#v / %v", got, err)
		}
	})
	t.Run("a week after it was written, not after the lesson", func(t *testing.T) {
		t.Parallel()
		late := observed(t, placed(t), observationID, daysLater(tutor, 5))
		got, err := app.AmendObservation.Run(late, amend(observationID), daysLater(tutor, 5+mentoring.DefaultAmendDays))
		if err != nil || len(got) != 1 {
			t.Fatalf("amendment on the last day: %#v / %v", got, err)
		}
	})
	t.Run("to a newer version of the framework", func(t *testing.T) {
		t.Parallel()
		fw := framework(published(t, numeracyFramework()))
		v2, _ := fw.Version(2)
		c := amend(observationID)
		c.Framework, c.Content.FrameworkVersion, c.Content.Ratings = fw, 2, ratings(v2, 4)
		got, err := app.AmendObservation.Run(given, c, tutor)
		thenEvents(t, got, err, mentoring.ObservationAmended{RecordID: recordID, ObservationID: observationID, Content: c.Content, Reason: c.Reason})
	})
	thenForbiddenTo(t, actorsBut(tutor), func(m decider.Meta) ([]any, error) {
		return app.AmendObservation.Run(given, amend(observationID), m)
	})
}

func TestAmendingRefusesAMalformedAmendment(t *testing.T) {
	t.Parallel()
	given := observed(t, placed(t), observationID, mentor)
	thenEachInvalid(t, given, app.AmendObservation, func() domain.AmendObservation { return amend(observationID) }, mentor, []invalid[domain.AmendObservation]{
		{"no reason", func(c *domain.AmendObservation) { c.Reason = "" }, "reason", "required"},
		{"blank reason", func(c *domain.AmendObservation) { c.Reason = "   " }, "reason", "required"},
		{"long reason", func(c *domain.AmendObservation) { c.Reason = long(1001) }, "reason", "max_length"},
		{"observation id not a UUID", func(c *domain.AmendObservation) { c.ObservationID = "obs-1" }, "observationId", "uuid"},
		{"outside the placement", func(c *domain.AmendObservation) { c.Content.Date = "2027-11-01" }, "content.date", "within_placement"},
		{"off the scale", func(c *domain.AmendObservation) { c.Content.Ratings["management"] = 9 }, "content.ratings.management", "scale"},
		{"a domain unrated", func(c *domain.AmendObservation) { delete(c.Content.Ratings, "planning") }, "content.ratings.planning", "required"},
		{"unknown version", func(c *domain.AmendObservation) { c.Content.FrameworkVersion = 7 }, "content.frameworkVersion", "known_version"},
		{"no topic", func(c *domain.AmendObservation) { c.Content.Topic = "" }, "content.topic", "required"},
	})
	t.Run("unknown observation", func(t *testing.T) {
		t.Parallel()
		got, err := app.AmendObservation.Run(given, amend(unknownID), mentor)
		thenRefused(t, got, err, errs.NotFound)
	})
}

func TestTheNamedCoObserverCoSigns(t *testing.T) {
	t.Parallel()
	given := observedJointly(t, placed(t), observationID, mentor, tutorID)
	got, err := app.CoSignObservation.Run(given, cosign(observationID), tutor)
	thenEvents(t, got, err, mentoring.ObservationCoSigned{RecordID: recordID, ObservationID: observationID, CoObserverID: tutorID})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.CoSignObservation.Run(after(t, given, app.CoSignObservation, cosign(observationID), tutor), cosign(observationID), tutor)
		thenNothing(t, got, err)
	})
	t.Run("an observation without a co-observer", func(t *testing.T) {
		t.Parallel()
		solo := observed(t, placed(t), observationID, mentor)
		for _, m := range []decider.Meta{mentor, tutor, teacher} {
			got, err := app.CoSignObservation.Run(solo, cosign(observationID), m)
			thenRefused(t, got, err, errs.Forbidden)
		}
	})
	t.Run("unknown observation", func(t *testing.T) {
		t.Parallel()
		got, err := app.CoSignObservation.Run(given, cosign(unknownID), tutor)
		thenRefused(t, got, err, errs.NotFound)
	})
	thenEachInvalid(t, given, app.CoSignObservation, func() domain.CoSignObservation { return cosign(observationID) }, tutor, []invalid[domain.CoSignObservation]{
		{"record id not a UUID", func(c *domain.CoSignObservation) { c.RecordID = "r1" }, "recordId", "uuid"},
		{"no observation id", func(c *domain.CoSignObservation) { c.ObservationID = "" }, "observationId", "required"},
	})
	thenForbiddenTo(t, actorsBut(tutor), func(m decider.Meta) ([]any, error) {
		return app.CoSignObservation.Run(given, cosign(observationID), m)
	})
}

func TestTheStudentTeacherAcknowledgesOnce(t *testing.T) {
	t.Parallel()
	given := observed(t, placed(t), observationID, mentor)
	for name, c := range map[string]domain.AcknowledgeObservation{
		"with a response":    acknowledge(observationID),
		"without a response": {RecordID: recordID, ObservationID: observationID},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AcknowledgeObservation.Run(given, c, student)
			thenEvents(t, got, err, mentoring.ObservationAcknowledged{RecordID: recordID, ObservationID: observationID, Response: c.Response})
		})
	}
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.AcknowledgeObservation.Run(after(t, given, app.AcknowledgeObservation, acknowledge(observationID), student), acknowledge(observationID), student)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("unknown observation", func(t *testing.T) {
		t.Parallel()
		got, err := app.AcknowledgeObservation.Run(given, acknowledge(unknownID), student)
		thenRefused(t, got, err, errs.NotFound)
	})
	thenEachInvalid(t, given, app.AcknowledgeObservation, func() domain.AcknowledgeObservation { return acknowledge(observationID) }, student, []invalid[domain.AcknowledgeObservation]{
		{"observation id not a UUID", func(c *domain.AcknowledgeObservation) { c.ObservationID = "obs" }, "observationId", "uuid"},
		{"long response", func(c *domain.AcknowledgeObservation) { c.Response = long(5001) }, "response", "max_length"},
	})
	impostors := actorsBut(student)
	impostors["the student's id as a teacher"] = as(events.RoleMentor, studentID, schoolID)
	thenForbiddenTo(t, impostors, func(m decider.Meta) ([]any, error) {
		return app.AcknowledgeObservation.Run(given, acknowledge(observationID), m)
	})
}

// TestDaysAreThePartnershipsCalendarDays records and amends around
// midnight in Hong Kong, which is 16:00 UTC.
func TestDaysAreThePartnershipsCalendarDays(t *testing.T) {
	t.Parallel()
	at := func(m decider.Meta, day, hour, minute int) decider.Meta {
		m.Now = time.Date(2027, time.October, day, hour, minute, 0, 0, time.UTC)
		return m
	}
	for _, tc := range []struct {
		m    decider.Meta
		want placement.Date
	}{
		{at(mentor, 20, 15, 59), "2027-10-20"},
		{at(mentor, 20, 16, 0), "2027-10-21"},
		{at(mentor, 19, 23, 30), "2027-10-20"},
	} {
		t.Run("recorded at "+tc.m.Now.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			got, err := app.RecordObservation.Run(placed(t), observe(observationID), tc.m)
			want := recorded(observationID, mentor, mentoring.ObserverMentor, "")
			want.RecordedOn = tc.want
			thenEvents(t, got, err, want)
		})
	}
	// Written late on 20 October in Hong Kong: amendable to the end of 27
	// October there, which is 15:59 UTC that day.
	given := after(t, placed(t), app.RecordObservation, observe(observationID), at(mentor, 20, 15, 30))
	for _, tc := range []struct {
		m       decider.Meta
		refused bool
	}{
		{at(mentor, 27, 15, 59), false},
		{at(mentor, 27, 16, 1), true},
	} {
		t.Run("amended at "+tc.m.Now.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()
			got, err := app.AmendObservation.Run(given, amend(observationID), tc.m)
			if tc.refused {
				thenRefused(t, got, err, errs.Conflict)
				return
			}
			if err != nil || len(got) != 1 {
				t.Fatalf("then %#v / %v, want the amendment", got, err)
			}
		})
	}
}

func TestAnAmendmentAsksForSignatureAndAcknowledgementAgain(t *testing.T) {
	t.Parallel()
	given := observedJointly(t, placed(t), observationID, mentor, tutorID)
	given = after(t, given, app.CoSignObservation, cosign(observationID), tutor)
	given = after(t, given, app.AcknowledgeObservation, acknowledge(observationID), student)
	given = after(t, given, app.AmendObservation, amend(observationID), mentor)
	got, err := app.CoSignObservation.Run(given, cosign(observationID), tutor)
	if err != nil || len(got) != 1 {
		t.Fatalf("co-signing the amended observation: %#v / %v, want a new signature", got, err)
	}
	got, err = app.AcknowledgeObservation.Run(given, acknowledge(observationID), student)
	if err != nil || len(got) != 1 {
		t.Fatalf("acknowledging the amended observation: %#v / %v, want a new acknowledgement", got, err)
	}
}
