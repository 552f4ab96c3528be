package graph

import (
	"wsms/events"
	"wsms/platform/errs"
)

// What each role may read (DESIGN.md): the partnership office, the faculty
// and university tutors everything; a school coordinator their school; a
// teacher-mentor the student-teachers placed in their school; a
// student-teacher their own records. Resolvers apply these in the queries
// they run (a WHERE clause), not only at the top.

// seesAll tells the roles that read every school and student-teacher.
func seesAll(a events.Actor) bool {
	return a.Role == events.RoleOffice || a.Role == events.RoleFaculty || a.Role == events.RoleTutor
}

// schoolOf is the school a school-bound viewer (coordinator, mentor) reads.
func schoolOf(a events.Actor) (string, bool) {
	if a.Role == events.RoleSchoolCoordinator || a.Role == events.RoleMentor {
		return a.SchoolID, a.SchoolID != ""
	}
	return "", false
}

// forbidden refuses a read the viewer may not make, saying what it was.
func forbidden(format string, args ...any) error {
	return errs.Newf(errs.Forbidden, format, args...)
}
