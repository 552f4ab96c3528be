package domain

import (
	"fmt"
	"slices"

	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// StudentTeacher is a student-teacher registered for a round, with the
// schools they prefer.
type StudentTeacher struct {
	registered  bool
	reg         placement.StudentTeacherRegistered
	preferences []string
}

// StudentStreamPrefix is the start of every student stream of a round.
func StudentStreamPrefix(roundID string) string { return "student-" + roundID + "-" }

// StudentStream names the stream of a student-teacher in a round.
func StudentStream(roundID, studentID string) string { return StudentStreamPrefix(roundID) + studentID }

// EvolveStudentTeacher applies one of a student-teacher's events.
func EvolveStudentTeacher(s StudentTeacher, e any) StudentTeacher {
	switch e := e.(type) {
	case placement.StudentTeacherRegistered:
		s.registered, s.reg = true, e
	case placement.PreferencesSubmitted:
		s.preferences = e.SchoolIDs
	}
	return s
}

// Registered reports whether the student-teacher is registered.
func (s StudentTeacher) Registered() bool { return s.registered }

// RegisterStudentTeacher asks to register a student-teacher for a round:
// their level, one or two teaching subjects, home district, and the schools
// they must not be placed at.
type RegisterStudentTeacher struct {
	RoundID      string               `json:"roundId"`
	StudentID    string               `json:"studentId"`
	Name         string               `json:"name"`
	Email        string               `json:"email"`
	Level        placement.Level      `json:"level"`
	Subjects     []string             `json:"subjects"`
	HomeDistrict string               `json:"homeDistrict"`
	Conflicts    []placement.Conflict `json:"conflicts"`
	// Round is the round registered for; Schools tells which schools named
	// in conflicts are registered partners. Both are filled in.
	Round   Round           `json:"-"`
	Schools map[string]bool `json:"-"`
}

// DecideRegisterStudentTeacher lets the office register a student-teacher
// once, until the allocation is published.
func DecideRegisterStudentTeacher(s StudentTeacher, c RegisterStudentTeacher, m decider.Meta) ([]any, error) {
	if err := office(m, "registers student-teachers"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.Email("email", c.Email)
	oneOfLevels(&v, "level", c.Level)
	subjectList(&v, "subjects", c.Subjects, 1, 2)
	v.Required("homeDistrict", c.HomeDistrict)
	for i, cf := range c.Conflicts {
		f := fmt.Sprintf("conflicts[%d]", i)
		v.UUID(f+".schoolId", cf.SchoolID)
		v.Required(f+".reason", cf.Reason)
		v.MaxLength(f+".reason", cf.Reason, 500)
		if cf.SchoolID != "" && !c.Schools[cf.SchoolID] {
			v.Add(errs.Invalid(f+".schoolId", "known_school", "no partner school %s is registered", cf.SchoolID))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Round.acceptsChanges(c.RoundID); err != nil {
		return nil, err
	}
	if _, ok := c.Round.opened.TravelMinutes[c.HomeDistrict]; !ok {
		return nil, errs.Invalid("homeDistrict", "travel_table", "%q is not a district of the round's travel table", c.HomeDistrict)
	}
	if s.registered {
		return nil, errs.Newf(errs.Conflict, "student-teacher %s is already registered for round %s", c.StudentID, c.RoundID)
	}
	return []any{placement.StudentTeacherRegistered{RoundID: c.RoundID, StudentID: c.StudentID, Name: c.Name, Email: c.Email,
		Level: c.Level, Subjects: c.Subjects, HomeDistrict: c.HomeDistrict, Conflicts: nonNil(c.Conflicts)}}, nil
}

// SubmitPreferences asks to rank schools offering places in the round, best
// first; it replaces earlier preferences.
type SubmitPreferences struct {
	RoundID   string   `json:"roundId"`
	StudentID string   `json:"studentId"`
	SchoolIDs []string `json:"schoolIds"`
	// Round and Offered (the schools with a standing offer in the round)
	// are filled in.
	Round   Round           `json:"-"`
	Offered map[string]bool `json:"-"`
}

// DecideSubmitPreferences lets a student-teacher (or the office on their
// behalf) rank schools until the preference deadline.
func DecideSubmitPreferences(s StudentTeacher, c SubmitPreferences, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleOffice && !(m.Actor.Role == events.RoleStudentTeacher && m.Actor.ID == c.StudentID) {
		return nil, errs.Newf(errs.Forbidden, "only the student-teacher or the partnership office submits their preferences")
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("studentId", c.StudentID)
	seen := map[string]bool{}
	for i, id := range c.SchoolIDs {
		f := fmt.Sprintf("schoolIds[%d]", i)
		v.UUID(f, id)
		if seen[id] {
			v.Add(errs.Invalid(f, "unique", "%s is ranked twice", id))
		}
		seen[id] = true
		if id != "" && !c.Offered[id] {
			v.Add(errs.Invalid(f, "offered", "school %s has no standing offer in this round", id))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Round.acceptsPreferences(c.RoundID, today(m)); err != nil {
		return nil, err
	}
	if max := c.Round.opened.MaxPreferences; len(c.SchoolIDs) > max {
		return nil, errs.Invalid("schoolIds", "max_preferences", "ranks %d schools; the round allows %d", len(c.SchoolIDs), max)
	}
	if !s.registered {
		return nil, errs.Newf(errs.NotFound, "student-teacher %s is not registered for round %s", c.StudentID, c.RoundID)
	}
	if s.preferences != nil && slices.Equal(s.preferences, c.SchoolIDs) {
		return nil, nil // the same ranking again changes nothing
	}
	return []any{placement.PreferencesSubmitted{RoundID: c.RoundID, StudentID: c.StudentID, SchoolIDs: nonNil(c.SchoolIDs)}}, nil
}
