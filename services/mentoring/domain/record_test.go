package domain_test

import (
	"slices"
	"testing"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheAssignedMentorLogsMeetings(t *testing.T) {
	t.Parallel()
	given := placed(t)
	for _, tc := range []struct {
		name   string
		change func(*domain.LogMentoringMeeting)
	}{
		{"with targets", func(*domain.LogMentoringMeeting) {}},
		{"without targets", func(c *domain.LogMentoringMeeting) { c.Targets = nil }},
		{"5 minutes", func(c *domain.LogMentoringMeeting) { c.Minutes = 5 }},
		{"a whole day", func(c *domain.LogMentoringMeeting) { c.Minutes = 480 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := meeting()
			tc.change(&c)
			got, err := app.LogMentoringMeeting.Run(given, c, mentor)
			targets := c.Targets
			if targets == nil {
				targets = []string{}
			}
			thenEvents(t, got, err, mentoring.MentoringMeetingLogged{RecordID: recordID, MeetingID: meetingID, MentorID: mentorID,
				Date: c.Date, Minutes: c.Minutes, Topics: c.Topics, Targets: targets})
		})
	}
	t.Run("the same meeting twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.LogMentoringMeeting.Run(after(t, given, app.LogMentoringMeeting, meeting(), mentor), meeting(), mentor)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("before a mentor is assigned", func(t *testing.T) {
		t.Parallel()
		got, err := app.LogMentoringMeeting.Run(opened(t), meeting(), mentor)
		thenRefused(t, got, err, errs.Forbidden)
	})
	thenEachInvalid(t, given, app.LogMentoringMeeting, meeting, mentor, []invalid[domain.LogMentoringMeeting]{
		{"record id not a UUID", func(c *domain.LogMentoringMeeting) { c.RecordID = "r" }, "recordId", "uuid"},
		{"no meeting id", func(c *domain.LogMentoringMeeting) { c.MeetingID = "" }, "meetingId", "required"},
		{"date not a date", func(c *domain.LogMentoringMeeting) { c.Date = "2027-10-32" }, "date", "date"},
		{"4 minutes", func(c *domain.LogMentoringMeeting) { c.Minutes = 4 }, "minutes", "range"},
		{"481 minutes", func(c *domain.LogMentoringMeeting) { c.Minutes = 481 }, "minutes", "range"},
		{"no minutes", func(c *domain.LogMentoringMeeting) { c.Minutes = 0 }, "minutes", "range"},
		{"no topics", func(c *domain.LogMentoringMeeting) { c.Topics = nil }, "topics", "required"},
		{"blank topic", func(c *domain.LogMentoringMeeting) { c.Topics = []string{"Questioning", " "} }, "topics[1]", "required"},
		{"blank target", func(c *domain.LogMentoringMeeting) { c.Targets = []string{""} }, "targets[0]", "required"},
		{"before the placement", func(c *domain.LogMentoringMeeting) { c.Date = "2027-10-01" }, "date", "within_placement"},
		{"between the blocks", func(c *domain.LogMentoringMeeting) { c.Date = "2027-11-08" }, "date", "within_placement"},
	})
	thenForbiddenTo(t, actorsBut(mentor), func(m decider.Meta) ([]any, error) {
		return app.LogMentoringMeeting.Run(given, meeting(), m)
	})
}

func TestTheStudentTeacherSubmitsReflections(t *testing.T) {
	t.Parallel()
	given := placed(t)
	got, err := app.SubmitReflection.Run(given, reflection(), student)
	thenEvents(t, got, err, mentoring.ReflectionSubmitted{RecordID: recordID, ReflectionID: reflectionID, Date: today, Text: reflection().Text})
	t.Run("the same reflection twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.SubmitReflection.Run(after(t, given, app.SubmitReflection, reflection(), student), reflection(), student)
		thenRefused(t, got, err, errs.Conflict)
	})
	thenEachInvalid(t, given, app.SubmitReflection, reflection, student, []invalid[domain.SubmitReflection]{
		{"no reflection id", func(c *domain.SubmitReflection) { c.ReflectionID = "" }, "reflectionId", "required"},
		{"reflection id not a UUID", func(c *domain.SubmitReflection) { c.ReflectionID = "day-1" }, "reflectionId", "uuid"},
		{"date not a date", func(c *domain.SubmitReflection) { c.Date = "yesterday" }, "date", "date"},
		{"no text", func(c *domain.SubmitReflection) { c.Text = "\n" }, "text", "required"},
		{"long text", func(c *domain.SubmitReflection) { c.Text = long(20001) }, "text", "max_length"},
	})
	impostors := actorsBut(student)
	impostors["the student's id as a teacher"] = as(events.RoleMentor, studentID, schoolID)
	thenForbiddenTo(t, impostors, func(m decider.Meta) ([]any, error) {
		return app.SubmitReflection.Run(given, reflection(), m)
	})
}

func TestTheMentorOrTheTutorRaisesConcerns(t *testing.T) {
	t.Parallel()
	given := placed(t)
	for name, m := range map[string]decider.Meta{"mentor": mentor, "tutor": tutor} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RaiseConcern.Run(given, concern(concernID), m)
			c := concern(concernID)
			thenEvents(t, got, err, mentoring.ConcernRaised{RecordID: recordID, ConcernID: concernID, RaisedBy: m.Actor.ID,
				Category: c.Category, Severity: c.Severity, Description: c.Description})
			if !app.RaiseConcern.Fold(slices.Concat(given, got)).AtRisk() {
				t.Fatal("the student-teacher is not at risk with a concern open")
			}
		})
	}
	for _, category := range []string{"planning", "classroom management", "subject knowledge", "professional conduct", "attendance", "wellbeing", "other"} {
		for _, severity := range []string{"low", "medium", "high"} {
			t.Run(category+", "+severity, func(t *testing.T) {
				t.Parallel()
				c := concern(concernID)
				c.Category, c.Severity = category, severity
				got, err := app.RaiseConcern.Run(given, c, tutor)
				if err != nil || len(got) != 1 {
					t.Fatalf("then %#v / %v", got, err)
				}
			})
		}
	}
	t.Run("the same concern twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.RaiseConcern.Run(after(t, given, app.RaiseConcern, concern(concernID), mentor), concern(concernID), tutor)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("the same concern after it was resolved", func(t *testing.T) {
		t.Parallel()
		g := after(t, after(t, given, app.RaiseConcern, concern(concernID), mentor), app.ResolveConcern, resolve(concernID), mentor)
		got, err := app.RaiseConcern.Run(g, concern(concernID), mentor)
		thenRefused(t, got, err, errs.Conflict)
	})
	thenEachInvalid(t, given, app.RaiseConcern, func() domain.RaiseConcern { return concern(concernID) }, mentor, []invalid[domain.RaiseConcern]{
		{"concern id not a UUID", func(c *domain.RaiseConcern) { c.ConcernID = "c1" }, "concernId", "uuid"},
		{"unknown category", func(c *domain.RaiseConcern) { c.Category = "behaviour" }, "category", "one_of"},
		{"category in capitals", func(c *domain.RaiseConcern) { c.Category = "Attendance" }, "category", "one_of"},
		{"no category", func(c *domain.RaiseConcern) { c.Category = "" }, "category", "one_of"},
		{"unknown severity", func(c *domain.RaiseConcern) { c.Severity = "critical" }, "severity", "one_of"},
		{"no description", func(c *domain.RaiseConcern) { c.Description = "" }, "description", "required"},
		{"long description", func(c *domain.RaiseConcern) { c.Description = long(5001) }, "description", "max_length"},
	})
	thenForbiddenTo(t, actorsBut(mentor, tutor), func(m decider.Meta) ([]any, error) {
		return app.RaiseConcern.Run(given, concern(concernID), m)
	})
}

func TestResolvingConcernsEndsTheRisk(t *testing.T) {
	t.Parallel()
	second := "7a1e0c4d-2b3f-4c5a-8d6e-9f0a1b2c3d45"
	given := after(t, placed(t), app.RaiseConcern, concern(concernID), tutor)
	for name, m := range map[string]decider.Meta{"by the mentor": mentor, "by the tutor who raised it": tutor} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.ResolveConcern.Run(given, resolve(concernID), m)
			thenEvents(t, got, err, mentoring.ConcernResolved{RecordID: recordID, ConcernID: concernID, Note: resolve(concernID).Note})
			if app.ResolveConcern.Fold(slices.Concat(given, got)).AtRisk() {
				t.Fatal("still at risk with every concern resolved")
			}
		})
	}
	t.Run("at risk while another concern is open", func(t *testing.T) {
		t.Parallel()
		g := after(t, given, app.RaiseConcern, concern(second), mentor)
		g = after(t, g, app.ResolveConcern, resolve(concernID), mentor)
		if !app.ResolveConcern.Fold(g).AtRisk() {
			t.Fatal("not at risk with a concern open")
		}
		if app.ResolveConcern.Fold(after(t, g, app.ResolveConcern, resolve(second), tutor)).AtRisk() {
			t.Fatal("at risk after both concerns were resolved")
		}
	})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		got, err := app.ResolveConcern.Run(after(t, given, app.ResolveConcern, resolve(concernID), mentor), resolve(concernID), tutor)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("unknown concern", func(t *testing.T) {
		t.Parallel()
		got, err := app.ResolveConcern.Run(given, resolve(second), mentor)
		thenRefused(t, got, err, errs.NotFound)
	})
	thenEachInvalid(t, given, app.ResolveConcern, func() domain.ResolveConcern { return resolve(concernID) }, mentor, []invalid[domain.ResolveConcern]{
		{"no concern id", func(c *domain.ResolveConcern) { c.ConcernID = "" }, "concernId", "required"},
		{"no note", func(c *domain.ResolveConcern) { c.Note = " " }, "note", "required"},
		{"long note", func(c *domain.ResolveConcern) { c.Note = long(5001) }, "note", "max_length"},
	})
	thenForbiddenTo(t, actorsBut(mentor, tutor), func(m decider.Meta) ([]any, error) {
		return app.ResolveConcern.Run(given, resolve(concernID), m)
	})
}

func TestTheMentorSubmitsTheFinalAssessmentAfterTheMinimumObservations(t *testing.T) {
	t.Parallel()
	submission := func(override string) mentoring.FinalAssessmentSubmitted {
		c := assessment()
		return mentoring.FinalAssessmentSubmitted{RecordID: recordID, MentorID: mentorID, Recommendation: c.Recommendation, Summary: c.Summary, MinimumOverride: override}
	}
	for _, tc := range []struct {
		name            string
		school, byTutor int
		override        string
		refused         bool
	}{
		{"the minimum", mentoring.DefaultMinMentorObservations, mentoring.DefaultMinTutorObservations, "", false},
		{"more than the minimum", mentoring.DefaultMinMentorObservations + 2, mentoring.DefaultMinTutorObservations + 1, "", false},
		{"one school observation short", mentoring.DefaultMinMentorObservations - 1, mentoring.DefaultMinTutorObservations, "", true},
		{"one tutor observation short", mentoring.DefaultMinMentorObservations, mentoring.DefaultMinTutorObservations - 1, "", true},
		{"tutor observations do not count for the school", mentoring.DefaultMinMentorObservations - 1, mentoring.DefaultMinMentorObservations + mentoring.DefaultMinTutorObservations, "", true},
		{"no observations", 0, 0, "", true},
		{"blank reason", 0, 0, "  ", true},
		{"no observations, with the reason", 0, 0, "The school closed for three weeks after the typhoon", false},
		{"short of tutor observations, with the reason", mentoring.DefaultMinMentorObservations, 0, "Tutor on sick leave", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			given := placed(t)
			// The school's observations come from the mentor, another teacher
			// and the coordinator in turn.
			school := []decider.Meta{mentor, teacher, coordinator}
			for i := range tc.school {
				given = observations(t, given, 1, school[i%len(school)])
			}
			given = observations(t, given, tc.byTutor, tutor)
			c := assessment()
			c.MinimumOverride = tc.override
			got, err := app.SubmitFinalAssessment.Run(given, c, mentor)
			if tc.refused {
				thenInvalid(t, got, err, "minimumOverride", "minimum_observations")
				return
			}
			thenEvents(t, got, err, submission(tc.override))
		})
	}
	given := observedEnough(t)
	t.Run("again before moderation", func(t *testing.T) {
		t.Parallel()
		c := assessment()
		c.Recommendation = "distinction"
		got, err := app.SubmitFinalAssessment.Run(submitted(t), c, mentor)
		want := submission("")
		want.Recommendation = "distinction"
		thenEvents(t, got, err, want)
	})
	thenEachInvalid(t, given, app.SubmitFinalAssessment, assessment, mentor, []invalid[domain.SubmitFinalAssessment]{
		{"record id not a UUID", func(c *domain.SubmitFinalAssessment) { c.RecordID = "r" }, "recordId", "uuid"},
		{"unknown recommendation", func(c *domain.SubmitFinalAssessment) { c.Recommendation = "merit" }, "recommendation", "one_of"},
		{"no recommendation", func(c *domain.SubmitFinalAssessment) { c.Recommendation = "" }, "recommendation", "one_of"},
		{"no summary", func(c *domain.SubmitFinalAssessment) { c.Summary = "" }, "summary", "required"},
		{"long summary", func(c *domain.SubmitFinalAssessment) { c.Summary = long(10001) }, "summary", "max_length"},
		{"long reason", func(c *domain.SubmitFinalAssessment) { c.MinimumOverride = long(1001) }, "minimumOverride", "max_length"},
	})
	thenForbiddenTo(t, actorsBut(mentor), func(m decider.Meta) ([]any, error) {
		return app.SubmitFinalAssessment.Run(given, assessment(), m)
	})
}

func TestTheTutorModeratesTheAssessment(t *testing.T) {
	t.Parallel()
	given := submitted(t)
	for _, tc := range []struct {
		name           string
		recommendation string
		reason         string
		adjusted       bool
	}{
		{"kept", "pass", "", false},
		{"kept, with a comment", "pass", "Agreed with the mentor", false},
		{"raised to a distinction", "distinction", "Outstanding lessons in both blocks", true},
		{"lowered to a fail", "fail", "Did not meet the conduct standard", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := moderation(tc.recommendation)
			c.Reason = tc.reason
			got, err := app.ModerateAssessment.Run(given, c, tutor)
			thenEvents(t, got, err, mentoring.AssessmentModerated{RecordID: recordID, TutorID: tutorID, Recommendation: tc.recommendation,
				Adjusted: tc.adjusted, Reason: tc.reason})
		})
	}
	t.Run("before the mentor submitted it", func(t *testing.T) {
		t.Parallel()
		got, err := app.ModerateAssessment.Run(observedEnough(t), moderation("pass"), tutor)
		thenRefused(t, got, err, errs.Conflict)
	})
	t.Run("the resubmitted recommendation", func(t *testing.T) {
		t.Parallel()
		c := assessment()
		c.Recommendation = "fail"
		got, err := app.ModerateAssessment.Run(after(t, given, app.SubmitFinalAssessment, c, mentor), moderation("fail"), tutor)
		thenEvents(t, got, err, mentoring.AssessmentModerated{RecordID: recordID, TutorID: tutorID, Recommendation: "fail"})
	})
	thenEachInvalid(t, given, app.ModerateAssessment, func() domain.ModerateAssessment { return moderation("pass") }, tutor, []invalid[domain.ModerateAssessment]{
		{"record id not a UUID", func(c *domain.ModerateAssessment) { c.RecordID = "r" }, "recordId", "uuid"},
		{"unknown recommendation", func(c *domain.ModerateAssessment) { c.Recommendation = "Pass" }, "recommendation", "one_of"},
		{"long reason", func(c *domain.ModerateAssessment) { c.Reason = long(5001) }, "reason", "max_length"},
		{"adjusted without a reason", func(c *domain.ModerateAssessment) { c.Recommendation = "fail" }, "reason", "required"},
		{"adjusted with a blank reason", func(c *domain.ModerateAssessment) { c.Recommendation, c.Reason = "distinction", "\t" }, "reason", "required"},
	})
	thenForbiddenTo(t, actorsBut(tutor), func(m decider.Meta) ([]any, error) {
		return app.ModerateAssessment.Run(given, moderation("pass"), m)
	})
}

// TestAModeratedRecordIsLocked runs every command, by an actor who could
// run it before, on a moderated record.
func TestAModeratedRecordIsLocked(t *testing.T) {
	t.Parallel()
	given := locked(t)
	if !app.ModerateAssessment.Fold(given).AtRisk() {
		t.Fatal("the lock closed the open concern")
	}
	for name, when := range map[string]func() ([]any, error){
		"assign another mentor": func() ([]any, error) {
			return app.AssignRecordMentor.Run(given, domain.AssignRecordMentor{RecordID: recordID, MentorID: teacherID}, system)
		},
		"assign the same mentor": func() ([]any, error) {
			return app.AssignRecordMentor.Run(given, domain.AssignRecordMentor{RecordID: recordID, MentorID: mentorID}, office)
		},
		"assign another tutor": func() ([]any, error) {
			return app.AssignTutor.Run(given, domain.AssignTutor{RecordID: recordID, TutorID: otherTutorID}, faculty)
		},
		"open for another placement": func() ([]any, error) {
			c := openRecord()
			c.SchoolID = otherSchoolID
			return app.OpenMentoringRecord.Run(given, c, system)
		},
		"record an observation": func() ([]any, error) { return app.RecordObservation.Run(given, observe(unknownID), teacher) },
		"amend an observation":  func() ([]any, error) { return app.AmendObservation.Run(given, amend(observationID), mentor) },
		"cosign":                func() ([]any, error) { return app.CoSignObservation.Run(given, cosign(observationID), tutor) },
		"acknowledge": func() ([]any, error) {
			return app.AcknowledgeObservation.Run(given, acknowledge(observationID), student)
		},
		"log a meeting":       func() ([]any, error) { return app.LogMentoringMeeting.Run(given, meeting(), mentor) },
		"submit a reflection": func() ([]any, error) { return app.SubmitReflection.Run(given, reflection(), student) },
		"raise a concern":     func() ([]any, error) { return app.RaiseConcern.Run(given, concern(unknownID), tutor) },
		"resolve the concern": func() ([]any, error) { return app.ResolveConcern.Run(given, resolve(concernID), mentor) },
		"submit again":        func() ([]any, error) { return app.SubmitFinalAssessment.Run(given, assessment(), mentor) },
		"moderate again":      func() ([]any, error) { return app.ModerateAssessment.Run(given, moderation("pass"), tutor) },
		"moderate differently": func() ([]any, error) {
			c := moderation("fail")
			c.Reason = "Second thoughts"
			return app.ModerateAssessment.Run(given, c, tutor)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := when()
			thenRefused(t, got, err, errs.Conflict)
		})
	}
	t.Run("the placement's opening delivered again", func(t *testing.T) {
		t.Parallel()
		got, err := app.OpenMentoringRecord.Run(given, openRecord(), system)
		thenNothing(t, got, err)
	})
}
