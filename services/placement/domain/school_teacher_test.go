package domain_test

import (
	"testing"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// addingWong names Wong Ka Yan a teacher of St. Clare's.
func addingWong() domain.AddTeacher {
	return domain.AddTeacher{SchoolID: clareID, TeacherID: wongID, Name: "Wong Ka Yan", Email: "ky.wong@stclare.edu.hk"}
}

func TestAddTeacherByTheOfficeOrTheSchoolsCoordinator(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"office": office, "coordinator": clareCoordinator} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.AddTeacher.Run([]any{clareRegistered}, addingWong(), m)
			thenEvents(t, got, err, placement.TeacherAdded{SchoolID: clareID, TeacherID: wongID, Name: "Wong Ka Yan", Email: "ky.wong@stclare.edu.hk"})
		})
	}
}

func TestAddTeacherTwiceConflicts(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, placement.TeacherAdded{SchoolID: clareID, TeacherID: wongID, Name: "Wong Ka Yan", Email: "ky.wong@stclare.edu.hk"}}
	got, err := app.AddTeacher.Run(given, addingWong(), clareCoordinator)
	thenRefused(t, got, err, errs.Conflict)
}

func TestAddTeacherRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		meta        decider.Meta
		change      func(*domain.AddTeacher)
	}{
		{"another school's coordinator", errs.Forbidden, "", "", []any{clareRegistered}, shatinCoordinator, func(*domain.AddTeacher) {}},
		{"a mentor", errs.Forbidden, "", "", []any{clareRegistered}, as(events.RoleMentor, chowID, clareID), func(*domain.AddTeacher) {}},
		{"teacher id not a UUID", errs.Validation, "teacherId", "uuid", []any{clareRegistered}, office, func(c *domain.AddTeacher) { c.TeacherID = "T-017" }},
		{"no name", errs.Validation, "name", "required", []any{clareRegistered}, office, func(c *domain.AddTeacher) { c.Name = "" }},
		{"bad e-mail", errs.Validation, "email", "email", []any{clareRegistered}, office, func(c *domain.AddTeacher) { c.Email = "Wong Ka Yan <ky.wong@stclare.edu.hk>" }},
		{"unregistered school", errs.NotFound, "", "", nil, office, func(*domain.AddTeacher) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := addingWong()
			tc.change(&c)
			got, err := app.AddTeacher.Run(tc.given, c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// teachersOfClare is St. Clare's with Wong and Lee as teachers, neither a
// mentor yet.
func teachersOfClare() []any {
	return []any{clareRegistered,
		placement.TeacherAdded{SchoolID: clareID, TeacherID: wongID, Name: "Wong Ka Yan", Email: "ky.wong@stclare.edu.hk"},
		placement.TeacherAdded{SchoolID: clareID, TeacherID: leeID, Name: "Lee Wai Man", Email: "wm.lee@stclare.edu.hk"},
	}
}

func TestNameTeacherMentorDefaultsToALoadOfTwo(t *testing.T) {
	t.Parallel()
	c := domain.NameTeacherMentor{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"English", "Liberal Studies"}}
	got, err := app.NameTeacherMentor.Run(teachersOfClare(), c, clareCoordinator)
	thenEvents(t, got, err, placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: wongID,
		Subjects: []string{"English", "Liberal Studies"}, LoadLimit: 2})

	s := fold(domain.EvolveSchool, append(teachersOfClare(), got...)...)
	if limit, ok := s.MentorFor(wongID, "english"); !ok || limit != 2 {
		t.Fatalf("MentorFor(wong, english) = %d, %v; want 2, true", limit, ok)
	}
	if _, ok := s.MentorFor(wongID, "Mathematics"); ok {
		t.Fatal("wong mentors Mathematics without being named for it")
	}
}

func TestNameTeacherMentorAgainReplacesSubjectsAndLimit(t *testing.T) {
	t.Parallel()
	given := append(teachersOfClare(), placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"English"}, LoadLimit: 2})
	c := domain.NameTeacherMentor{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"Mathematics"}, LoadLimit: 3}
	got, err := app.NameTeacherMentor.Run(given, c, office)
	thenEvents(t, got, err, placement.TeacherMentorNamed{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"Mathematics"}, LoadLimit: 3})
	s := fold(domain.EvolveSchool, append(given, got...)...)
	if _, ok := s.MentorFor(wongID, "English"); ok {
		t.Fatal("wong still mentors English after being named for Mathematics only")
	}
	if limit, ok := s.MentorFor(wongID, "Mathematics"); !ok || limit != 3 {
		t.Fatalf("MentorFor(wong, Mathematics) = %d, %v; want 3, true", limit, ok)
	}
}

func TestNameTeacherMentorRefuses(t *testing.T) {
	t.Parallel()
	valid := domain.NameTeacherMentor{SchoolID: clareID, TeacherID: wongID, Subjects: []string{"English"}}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		meta        decider.Meta
		change      func(*domain.NameTeacherMentor)
	}{
		{"unknown teacher", errs.Validation, "teacherId", "teacher_of_school", office, func(c *domain.NameTeacherMentor) { c.TeacherID = chowID }},
		{"no subject", errs.Validation, "subjects", "count", office, func(c *domain.NameTeacherMentor) { c.Subjects = nil }},
		{"a subject twice", errs.Validation, "subjects[1]", "unique", office, func(c *domain.NameTeacherMentor) { c.Subjects = []string{"English", "ENGLISH"} }},
		{"load too high", errs.Validation, "loadLimit", "range", office, func(c *domain.NameTeacherMentor) { c.LoadLimit = 11 }},
		{"negative load", errs.Validation, "loadLimit", "range", office, func(c *domain.NameTeacherMentor) { c.LoadLimit = -1 }},
		{"another school's coordinator", errs.Forbidden, "", "", shatinCoordinator, func(*domain.NameTeacherMentor) {}},
		{"the teacher themself", errs.Forbidden, "", "", as(events.RoleMentor, wongID, clareID), func(*domain.NameTeacherMentor) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tc.change(&c)
			got, err := app.NameTeacherMentor.Run(teachersOfClare(), c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}
