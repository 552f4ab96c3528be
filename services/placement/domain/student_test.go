package domain_test

import (
	"testing"
	"time"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// registering is the office's command to register Mak Wing Sze, who must
// not go to St. Clare's, in round r.
func registering(r domain.Round) domain.RegisterStudentTeacher {
	m := makRegistered()
	return domain.RegisterStudentTeacher{RoundID: roundID, StudentID: makID, Name: m.Name, Email: m.Email, Level: placement.Secondary,
		Subjects: []string{"English", "Liberal Studies"}, HomeDistrict: "Eastern",
		Conflicts: []placement.Conflict{{SchoolID: clareID, Reason: "attended the school"}},
		Round:     r, Schools: map[string]bool{clareID: true}}
}

func TestRegisterStudentTeacher(t *testing.T) {
	t.Parallel()
	c := registering(roundAfter(roundOpened()))
	got, err := app.RegisterStudentTeacher.Run(nil, c, office)
	thenEvents(t, got, err, placement.StudentTeacherRegistered{RoundID: roundID, StudentID: makID, Name: c.Name, Email: c.Email,
		Level: placement.Secondary, Subjects: []string{"English", "Liberal Studies"}, HomeDistrict: "Eastern",
		Conflicts: []placement.Conflict{{SchoolID: clareID, Reason: "attended the school"}}})
}

func TestRegisterStudentTeacherWithoutConflictsRecordsAnEmptyList(t *testing.T) {
	t.Parallel()
	c := registering(roundAfter(roundOpened()))
	c.Conflicts, c.Subjects = nil, []string{"English"}
	got, err := app.RegisterStudentTeacher.Run(nil, c, office)
	thenEvents(t, got, err, placement.StudentTeacherRegistered{RoundID: roundID, StudentID: makID, Name: c.Name, Email: c.Email,
		Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Eastern", Conflicts: []placement.Conflict{}})
}

func TestRegisterStudentTeacherTwiceConflicts(t *testing.T) {
	t.Parallel()
	got, err := app.RegisterStudentTeacher.Run([]any{makRegistered()}, registering(roundAfter(roundOpened())), office)
	thenRefused(t, got, err, errs.Conflict)
}

func TestRegisterStudentTeacherRefuses(t *testing.T) {
	t.Parallel()
	ownTable := roundOpened()
	ownTable.TravelMinutes = map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tai Po": 20}, "Tai Po": {"Sha Tin": 20, "Tai Po": 10}}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		meta        decider.Meta
		change      func(*domain.RegisterStudentTeacher)
	}{
		{"unknown conflict school", errs.Validation, "conflicts[0].schoolId", "known_school", office, func(c *domain.RegisterStudentTeacher) {
			c.Conflicts[0].SchoolID = unknownSchoolID
		}},
		{"conflict without reason", errs.Validation, "conflicts[0].reason", "required", office, func(c *domain.RegisterStudentTeacher) {
			c.Conflicts[0].Reason = ""
		}},
		{"home district not in the travel table", errs.Validation, "homeDistrict", "travel_table", office, func(c *domain.RegisterStudentTeacher) {
			c.HomeDistrict = "Kowloon Tong"
		}},
		{"home district not in the round's own table", errs.Validation, "homeDistrict", "travel_table", office, func(c *domain.RegisterStudentTeacher) {
			c.Round = roundAfter(ownTable)
		}},
		{"no home district", errs.Validation, "homeDistrict", "required", office, func(c *domain.RegisterStudentTeacher) { c.HomeDistrict = "" }},
		{"no subject", errs.Validation, "subjects", "count", office, func(c *domain.RegisterStudentTeacher) { c.Subjects = []string{} }},
		{"three subjects", errs.Validation, "subjects", "count", office, func(c *domain.RegisterStudentTeacher) {
			c.Subjects = []string{"English", "Mathematics", "Chinese"}
		}},
		{"a subject twice", errs.Validation, "subjects[1]", "unique", office, func(c *domain.RegisterStudentTeacher) {
			c.Subjects = []string{"English", "English"}
		}},
		{"unknown level", errs.Validation, "level", "one_of", office, func(c *domain.RegisterStudentTeacher) { c.Level = "kindergarten" }},
		{"bad e-mail", errs.Validation, "email", "email", office, func(c *domain.RegisterStudentTeacher) { c.Email = "mak@" }},
		{"student id not a UUID", errs.Validation, "studentId", "uuid", office, func(c *domain.RegisterStudentTeacher) { c.StudentID = "s1234567" }},
		{"no round", errs.NotFound, "", "", office, func(c *domain.RegisterStudentTeacher) { c.Round = domain.Round{} }},
		{"allocation published", errs.Conflict, "", "", office, func(c *domain.RegisterStudentTeacher) { c.Round = roundAfter(published()...) }},
		{"a student-teacher", errs.Forbidden, "", "", as(events.RoleStudentTeacher, makID, ""), func(*domain.RegisterStudentTeacher) {}},
		{"a coordinator", errs.Forbidden, "", "", clareCoordinator, func(*domain.RegisterStudentTeacher) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := registering(roundAfter(roundOpened()))
			tc.change(&c)
			got, err := app.RegisterStudentTeacher.Run(nil, c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// ranking is Chan's command to rank St. Clare's, then Kwun Tong, in the
// open round where every school of the world stands by its offer.
func ranking(schoolIDs ...string) domain.SubmitPreferences {
	return domain.SubmitPreferences{RoundID: roundID, StudentID: chanID, SchoolIDs: schoolIDs, Round: roundAfter(roundOpened()),
		Offered: map[string]bool{clareID: true, shatinID: true, kwunTongID: true, tuenMunID: false}}
}

var chanHimself = as(events.RoleStudentTeacher, chanID, "")

func TestSubmitPreferencesByTheStudentTeacherOrTheOffice(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"the student-teacher": chanHimself, "office": office} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.SubmitPreferences.Run([]any{chanRegistered()}, ranking(clareID, kwunTongID), m)
			thenEvents(t, got, err, prefers(chanID, clareID, kwunTongID))
		})
	}
}

func TestSubmitPreferencesReplacesEarlierOnes(t *testing.T) {
	t.Parallel()
	given := []any{chanRegistered(), prefers(chanID, clareID, kwunTongID)}
	got, err := app.SubmitPreferences.Run(given, ranking(kwunTongID, clareID), chanHimself)
	thenEvents(t, got, err, prefers(chanID, kwunTongID, clareID))
	got, err = app.SubmitPreferences.Run(given, ranking(clareID, kwunTongID), chanHimself)
	thenEvents(t, got, err)
}

func TestSubmitPreferencesUpToTheDeadlineDay(t *testing.T) {
	t.Parallel()
	got, err := app.SubmitPreferences.Run([]any{chanRegistered()}, ranking(clareID), on(chanHimself, time.Date(2027, 12, 15, 20, 0, 0, 0, hkt)))
	thenEvents(t, got, err, prefers(chanID, clareID))
}

func TestSubmitPreferencesRefuses(t *testing.T) {
	t.Parallel()
	fewer := roundOpened()
	fewer.MaxPreferences = 2
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		meta        decider.Meta
		command     domain.SubmitPreferences
	}{
		{"another student-teacher", errs.Forbidden, "", "", []any{chanRegistered()}, as(events.RoleStudentTeacher, lamID, ""), ranking(clareID)},
		{"the school's coordinator", errs.Forbidden, "", "", []any{chanRegistered()}, clareCoordinator, ranking(clareID)},
		{"more than the round allows", errs.Validation, "schoolIds", "max_preferences", []any{chanRegistered()}, chanHimself, func() domain.SubmitPreferences {
			c := ranking(clareID, kwunTongID, shatinID)
			c.Round = roundAfter(fewer)
			return c
		}()},
		{"a school twice", errs.Validation, "schoolIds[2]", "unique", []any{chanRegistered()}, chanHimself, ranking(clareID, kwunTongID, clareID)},
		{"a school that withdrew", errs.Validation, "schoolIds[1]", "offered", []any{chanRegistered()}, chanHimself, ranking(clareID, tuenMunID)},
		{"a school that never offered", errs.Validation, "schoolIds[0]", "offered", []any{chanRegistered()}, chanHimself, ranking(unknownSchoolID)},
		{"a school id that is not a UUID", errs.Validation, "schoolIds[0]", "uuid", []any{chanRegistered()}, chanHimself, ranking("st-clares")},
		{"after the deadline", errs.Conflict, "", "", []any{chanRegistered()}, on(chanHimself, time.Date(2027, 12, 16, 9, 0, 0, 0, hkt)), ranking(clareID)},
		{"allocation published", errs.Conflict, "", "", []any{chanRegistered()}, chanHimself, func() domain.SubmitPreferences {
			c := ranking(clareID)
			c.Round = roundAfter(published()...)
			return c
		}()},
		{"not registered", errs.NotFound, "", "", nil, chanHimself, ranking(clareID)},
		{"no round", errs.NotFound, "", "", []any{chanRegistered()}, chanHimself, func() domain.SubmitPreferences {
			c := ranking(clareID)
			c.Round = domain.Round{}
			return c
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.SubmitPreferences.Run(tc.given, tc.command, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}
