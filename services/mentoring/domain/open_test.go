package domain_test

import (
	"testing"

	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheProcessOrTheOfficeOpensARecord(t *testing.T) {
	t.Parallel()
	want := mentoring.RecordOpened{RecordID: recordID, RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: "English", Windows: windows()}
	for name, m := range map[string]decider.Meta{"system": system, "office": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.OpenMentoringRecord.Run(nil, openRecord(), m)
			thenEvents(t, got, err, want)
			if r := app.OpenMentoringRecord.Fold(got); !r.Opened() || r.AtRisk() {
				t.Fatalf("after opening: opened %v, at risk %v", r.Opened(), r.AtRisk())
			}
		})
	}
	thenForbiddenTo(t, actorsBut(system, office), func(m decider.Meta) ([]any, error) {
		return app.OpenMentoringRecord.Run(nil, openRecord(), m)
	})
}

func TestOpeningRefusesAMalformedPlacement(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.OpenMentoringRecord, openRecord, system, []invalid[domain.OpenMentoringRecord]{
		{"no record id", func(c *domain.OpenMentoringRecord) { c.RecordID = "" }, "recordId", "required"},
		{"record id not a UUID", func(c *domain.OpenMentoringRecord) { c.RecordID = "record-1" }, "recordId", "uuid"},
		{"round not a UUID", func(c *domain.OpenMentoringRecord) { c.RoundID = "2027" }, "roundId", "uuid"},
		{"student not a UUID", func(c *domain.OpenMentoringRecord) { c.StudentID = "s1234567" }, "studentId", "uuid"},
		{"no school", func(c *domain.OpenMentoringRecord) { c.SchoolID = "" }, "schoolId", "required"},
		{"no subject", func(c *domain.OpenMentoringRecord) { c.Subject = "  " }, "subject", "required"},
		{"no windows", func(c *domain.OpenMentoringRecord) { c.Windows = nil }, "windows", "required"},
		{"window start not a date", func(c *domain.OpenMentoringRecord) { c.Windows[0].From = "2027-13-01" }, "windows[0].from", "date"},
		{"window end not a date", func(c *domain.OpenMentoringRecord) { c.Windows[1].To = "3 Dec 2027" }, "windows[1].to", "date"},
		{"id of another student's record", func(c *domain.OpenMentoringRecord) {
			c.RecordID = mentoring.RecordIDFor(roundID, otherStudentID)
		}, "recordId", "derived"},
		{"id of the student's record in another round", func(c *domain.OpenMentoringRecord) {
			c.RecordID = mentoring.RecordIDFor(unknownID, studentID)
		}, "recordId", "derived"},
		{"id derived the wrong way round", func(c *domain.OpenMentoringRecord) {
			c.RecordID = mentoring.RecordIDFor(studentID, roundID)
		}, "recordId", "derived"},
		{"random id", func(c *domain.OpenMentoringRecord) { c.RecordID = unknownID }, "recordId", "derived"},
	})
}

func TestARecordIsOpenedOncePerPlacement(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		m      decider.Meta
		change func(*domain.OpenMentoringRecord)
		code   errs.Code // "" for accepted without an event
	}{
		{"the same placement, delivered again", system, func(*domain.OpenMentoringRecord) {}, ""},
		{"the same placement, by the office", office, func(*domain.OpenMentoringRecord) {}, ""},
		{"another school", system, func(c *domain.OpenMentoringRecord) { c.SchoolID = otherSchoolID }, errs.Conflict},
		{"another subject", office, func(c *domain.OpenMentoringRecord) { c.Subject = "Mathematics" }, errs.Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := openRecord()
			tc.change(&c)
			got, err := app.OpenMentoringRecord.Run(placed(t), c, tc.m)
			if tc.code == "" {
				thenNothing(t, got, err)
				return
			}
			thenRefused(t, got, err, tc.code)
		})
	}
}

func TestTheProcessOrTheOfficeAssignsTheMentor(t *testing.T) {
	t.Parallel()
	assign := func(id string) domain.AssignRecordMentor {
		return domain.AssignRecordMentor{RecordID: recordID, MentorID: id}
	}
	for name, m := range map[string]decider.Meta{"system": system, "office": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AssignRecordMentor.Run(opened(t), assign(mentorID), m)
			thenEvents(t, got, err, mentoring.RecordMentorAssigned{RecordID: recordID, MentorID: mentorID})
		})
	}
	t.Run("the same mentor again", func(t *testing.T) {
		t.Parallel()
		got, err := app.AssignRecordMentor.Run(placed(t), assign(mentorID), system)
		thenNothing(t, got, err)
	})
	t.Run("another mentor", func(t *testing.T) {
		t.Parallel()
		got, err := app.AssignRecordMentor.Run(placed(t), assign(teacherID), office)
		thenEvents(t, got, err, mentoring.RecordMentorAssigned{RecordID: recordID, MentorID: teacherID})
	})
	given := opened(t)
	thenForbiddenTo(t, actorsBut(system, office), func(m decider.Meta) ([]any, error) {
		return app.AssignRecordMentor.Run(given, assign(mentorID), m)
	})
	thenEachInvalid(t, given, app.AssignRecordMentor, func() domain.AssignRecordMentor { return assign(mentorID) }, system, []invalid[domain.AssignRecordMentor]{
		{"record id not a UUID", func(c *domain.AssignRecordMentor) { c.RecordID = "r1" }, "recordId", "uuid"},
		{"no mentor", func(c *domain.AssignRecordMentor) { c.MentorID = "" }, "mentorId", "required"},
		{"mentor not a UUID", func(c *domain.AssignRecordMentor) { c.MentorID = "Ms Wong" }, "mentorId", "uuid"},
	})
}

func TestTheFacultyOrTheOfficeAssignsTheTutor(t *testing.T) {
	t.Parallel()
	assign := func(id string) domain.AssignTutor { return domain.AssignTutor{RecordID: recordID, TutorID: id} }
	for name, m := range map[string]decider.Meta{"faculty": faculty, "office": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AssignTutor.Run(opened(t), assign(tutorID), m)
			thenEvents(t, got, err, mentoring.RecordTutorAssigned{RecordID: recordID, TutorID: tutorID})
		})
	}
	t.Run("the same tutor again", func(t *testing.T) {
		t.Parallel()
		got, err := app.AssignTutor.Run(placed(t), assign(tutorID), faculty)
		thenNothing(t, got, err)
	})
	t.Run("another tutor", func(t *testing.T) {
		t.Parallel()
		got, err := app.AssignTutor.Run(placed(t), assign(otherTutorID), faculty)
		thenEvents(t, got, err, mentoring.RecordTutorAssigned{RecordID: recordID, TutorID: otherTutorID})
	})
	given := opened(t)
	thenForbiddenTo(t, actorsBut(faculty, office), func(m decider.Meta) ([]any, error) {
		return app.AssignTutor.Run(given, assign(tutorID), m)
	})
	thenEachInvalid(t, given, app.AssignTutor, func() domain.AssignTutor { return assign(tutorID) }, faculty, []invalid[domain.AssignTutor]{
		{"no record id", func(c *domain.AssignTutor) { c.RecordID = "" }, "recordId", "required"},
		{"no tutor", func(c *domain.AssignTutor) { c.TutorID = "" }, "tutorId", "required"},
		{"tutor not a UUID", func(c *domain.AssignTutor) { c.TutorID = "Dr Chan" }, "tutorId", "uuid"},
	})
}

// TestEveryCommandNeedsAnOpenRecord runs every command on a record that was
// never opened.
func TestEveryCommandNeedsAnOpenRecord(t *testing.T) {
	t.Parallel()
	for name, when := range map[string]func([]any) ([]any, error){
		"assign mentor": func(g []any) ([]any, error) {
			return app.AssignRecordMentor.Run(g, domain.AssignRecordMentor{RecordID: recordID, MentorID: mentorID}, system)
		},
		"assign tutor": func(g []any) ([]any, error) {
			return app.AssignTutor.Run(g, domain.AssignTutor{RecordID: recordID, TutorID: tutorID}, faculty)
		},
		"record observation": func(g []any) ([]any, error) { return app.RecordObservation.Run(g, observe(observationID), teacher) },
		"amend observation":  func(g []any) ([]any, error) { return app.AmendObservation.Run(g, amend(observationID), teacher) },
		"cosign observation": func(g []any) ([]any, error) { return app.CoSignObservation.Run(g, cosign(observationID), tutor) },
		"acknowledge": func(g []any) ([]any, error) {
			return app.AcknowledgeObservation.Run(g, acknowledge(observationID), student)
		},
		"log meeting":       func(g []any) ([]any, error) { return app.LogMentoringMeeting.Run(g, meeting(), mentor) },
		"submit reflection": func(g []any) ([]any, error) { return app.SubmitReflection.Run(g, reflection(), student) },
		"raise concern":     func(g []any) ([]any, error) { return app.RaiseConcern.Run(g, concern(concernID), mentor) },
		"resolve concern":   func(g []any) ([]any, error) { return app.ResolveConcern.Run(g, resolve(concernID), mentor) },
		"submit assessment": func(g []any) ([]any, error) { return app.SubmitFinalAssessment.Run(g, assessment(), mentor) },
		"moderate":          func(g []any) ([]any, error) { return app.ModerateAssessment.Run(g, moderation("pass"), tutor) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := when(nil)
			thenRefused(t, got, err, errs.NotFound)
		})
	}
}

// TestWindowsIncludeBothEnds checks the placement's windows as observations
// and meetings see them.
func TestWindowsIncludeBothEnds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		date   placement.Date
		inside bool
	}{
		{"2027-10-03", false},
		{"2027-10-04", true},
		{"2027-10-29", true},
		{"2027-10-30", false},
		{"2027-11-14", false},
		{"2027-11-15", true},
		{"2027-12-03", true},
		{"2027-12-04", false},
		{"2028-10-20", false},
	} {
		t.Run(string(tc.date), func(t *testing.T) {
			t.Parallel()
			o := observe(observationID)
			o.Content.Date = tc.date
			m := meeting()
			m.Date = tc.date
			gotO, errO := app.RecordObservation.Run(placed(t), o, mentor)
			gotM, errM := app.LogMentoringMeeting.Run(placed(t), m, mentor)
			if tc.inside {
				if errO != nil || errM != nil || len(gotO) != 1 || len(gotM) != 1 {
					t.Fatalf("inside the placement: observation %v, meeting %v", errO, errM)
				}
				return
			}
			thenInvalid(t, gotO, errO, "content.date", "within_placement")
			thenInvalid(t, gotM, errM, "date", "within_placement")
		})
	}
}
