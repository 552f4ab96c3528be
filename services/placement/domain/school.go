// Package domain holds the placement service's rules as pure deciders:
// partner schools, partnership agreements, placement rounds, offers,
// student-teachers and their allocation. Nothing here does I/O; every rule
// is tested as given events / when command / then events or error.
package domain

import (
	"fmt"
	"maps"
	"slices"

	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// School is what decisions about a partner school need to know of it.
type School struct {
	registered bool
	facts      placement.SchoolFacts
	agreement  agreement   // the latest
	earlier    []agreement // those it followed, for the years they cover
	calendars  map[int]placement.SchoolCalendarSet
	teachers   map[string]teacher
}

type agreement struct {
	id                   string
	firstYear, years     int
	coreSubjects         []string
	minPlaces, maxPlaces int
	englishKLA           bool
	signed, ended, draft bool
	endedOn              placement.Date
}

type teacher struct {
	subjects  []string // empty unless named a teacher-mentor
	loadLimit int
}

// SchoolStream names the stream of the school with id.
func SchoolStream(id string) string { return "school-" + id }

// EvolveSchool applies one of a school's events.
func EvolveSchool(s School, e any) School {
	switch e := e.(type) {
	case placement.SchoolRegistered:
		s.registered = true
		s.facts = placement.SchoolFacts{Name: e.Name, Level: e.Level, District: e.District}
		s.calendars, s.teachers = map[int]placement.SchoolCalendarSet{}, map[string]teacher{}
	case placement.PartnershipAgreementSigned:
		if s.agreement.signed && !s.agreement.draft {
			s.earlier = append(slices.Clip(s.earlier), s.agreement)
		}
		s.agreement = agreement{id: e.AgreementID, firstYear: e.FirstSchoolYear, years: e.Years, coreSubjects: e.CoreSubjects,
			minPlaces: e.MinPlaces, maxPlaces: e.MaxPlaces, englishKLA: e.EnglishKLA, signed: true, draft: e.Draft}
	case placement.PartnershipAgreementRenewed:
		s.agreement.years += e.Years
	case placement.PartnershipAgreementEnded:
		end := func(a agreement) agreement {
			if a.id == e.AgreementID {
				a.ended, a.endedOn = true, e.EndedOn
			}
			return a
		}
		s.agreement = end(s.agreement)
		earlier := make([]agreement, len(s.earlier))
		for i, a := range s.earlier {
			earlier[i] = end(a)
		}
		s.earlier = earlier
	case placement.SchoolCalendarSet:
		s.calendars = maps.Clone(s.calendars)
		s.calendars[e.SchoolYear] = e
	case placement.TeacherAdded:
		s.teachers = maps.Clone(s.teachers)
		s.teachers[e.TeacherID] = teacher{}
	case placement.TeacherMentorNamed:
		s.teachers = maps.Clone(s.teachers)
		s.teachers[e.TeacherID] = teacher{subjects: e.Subjects, loadLimit: e.LoadLimit}
	}
	return s
}

// Registered reports whether the school is a registered partner.
func (s School) Registered() bool { return s.registered }

// Facts are the school's name, level and district.
func (s School) Facts() placement.SchoolFacts { return s.facts }

// InPartnership reports whether the school has a signed agreement that has
// not ended and covers the school year.
func (s School) InPartnership(schoolYear int) bool {
	return s.agreement.covers(schoolYear) || slices.ContainsFunc(s.earlier, func(a agreement) bool { return a.covers(schoolYear) })
}

// agreementFor is the agreement that covers the school year, the latest if
// none does.
func (s School) agreementFor(schoolYear int) agreement {
	for _, a := range append(slices.Clone(s.earlier), s.agreement) {
		if a.covers(schoolYear) {
			return a
		}
	}
	return s.agreement
}

// covers reports whether a signed agreement runs in the school year: within
// its term, and not ended before the year began.
func (a agreement) covers(schoolYear int) bool {
	if a.ended && string(a.endedOn) <= fmt.Sprintf("%d-09-01", schoolYear) {
		return false
	}
	return a.signed && !a.draft && schoolYear >= a.firstYear && schoolYear < a.firstYear+a.years
}

// inForce reports whether the school's agreement still runs in the school
// year of today: a new agreement then renews it rather than replaces it.
func (a agreement) inForce(today placement.Date) bool {
	return a.signed && !a.draft && !a.ended && schoolYearOf(today) < a.firstYear+a.years
}

// Calendar returns the school's calendar for a school year.
func (s School) Calendar(schoolYear int) (placement.SchoolCalendarSet, bool) {
	c, ok := s.calendars[schoolYear]
	return c, ok
}

// MentorFor reports whether the teacher is a teacher-mentor of the school
// for the subject, and how many student-teachers they may mentor a round.
func (s School) MentorFor(teacherID, subject string) (loadLimit int, ok bool) {
	t, found := s.teachers[teacherID]
	if !found || !containsFold(t.subjects, subject) {
		return 0, false
	}
	return t.loadLimit, true
}

// RegisterSchool asks to register a school as a partner of the faculty. The
// caller chooses the school's id (a UUID), so that a retried request names
// the same school.
type RegisterSchool struct {
	SchoolID string            `json:"schoolId"`
	Name     string            `json:"name"`
	District string            `json:"district"`
	Level    placement.Level   `json:"level"`
	Contact  placement.Contact `json:"contact"`
}

// DecideRegisterSchool lets the partnership office register a school once.
func DecideRegisterSchool(s School, c RegisterSchool, m decider.Meta) ([]any, error) {
	// The process that follows the forum registers schools whose interest
	// the office accepted there.
	if m.Actor.Role != events.RoleSystem {
		if err := office(m, "registers partner schools"); err != nil {
			return nil, err
		}
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.Required("district", c.District)
	v.MaxLength("district", c.District, 100)
	oneOfLevels(&v, "level", c.Level)
	v.Required("contact.name", c.Contact.Name)
	v.MaxLength("contact.name", c.Contact.Name, 200)
	v.Email("contact.email", c.Contact.Email)
	v.MaxLength("contact.phone", c.Contact.Phone, 50)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if s.registered {
		return nil, errs.Newf(errs.Conflict, "school %s is already registered as %q", c.SchoolID, s.facts.Name)
	}
	return []any{placement.SchoolRegistered{
		SchoolID: c.SchoolID, Name: c.Name, District: c.District, Level: c.Level, Contact: c.Contact,
	}}, nil
}

// registered refuses a command on a school that is not registered.
func (s School) mustBeRegistered(id string) error {
	if !s.registered {
		return errs.Newf(errs.NotFound, "no partner school %s is registered", id)
	}
	return nil
}

// SignPartnershipAgreement asks to record a school's commitment to the WSMS
// approach. Years defaults to 3, MinPlaces and MaxPlaces to the usual band
// of 6 to 8 places a year.
type SignPartnershipAgreement struct {
	SchoolID        string   `json:"schoolId"`
	AgreementID     string   `json:"agreementId"`
	FirstSchoolYear int      `json:"firstSchoolYear"`
	Years           int      `json:"years"`
	CoreSubjects    []string `json:"coreSubjects"`
	MinPlaces       int      `json:"minPlaces"`
	MaxPlaces       int      `json:"maxPlaces"`
	EnglishKLA      bool     `json:"englishKla"`
}

// DecideSignPartnershipAgreement lets the office record an agreement for a
// registered school that has no agreement in force.
func DecideSignPartnershipAgreement(s School, c SignPartnershipAgreement, m decider.Meta) ([]any, error) {
	if err := office(m, "records partnership agreements"); err != nil {
		return nil, err
	}
	c.Years = orDefault(c.Years, 3)
	c.MinPlaces, c.MaxPlaces = orDefault(c.MinPlaces, 6), orDefault(c.MaxPlaces, 8)
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.UUID("agreementId", c.AgreementID)
	v.Range("firstSchoolYear", c.FirstSchoolYear, 2000, 2100)
	v.Range("years", c.Years, 1, 5)
	subjectList(&v, "coreSubjects", c.CoreSubjects, 2, 3)
	v.Range("minPlaces", c.MinPlaces, 1, 30)
	v.Range("maxPlaces", c.MaxPlaces, c.MinPlaces, 30)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	a := s.agreement
	if a.signed && !a.draft && !a.ended && c.FirstSchoolYear < a.firstYear+a.years {
		return nil, errs.Newf(errs.Conflict, "the school's agreement %s runs until %d/%02d: renew it or end it first",
			a.id, a.firstYear+a.years-1, (a.firstYear+a.years)%100)
	}
	return []any{placement.PartnershipAgreementSigned{
		SchoolID: c.SchoolID, AgreementID: c.AgreementID, FirstSchoolYear: c.FirstSchoolYear, Years: c.Years,
		CoreSubjects: c.CoreSubjects, MinPlaces: c.MinPlaces, MaxPlaces: c.MaxPlaces, EnglishKLA: c.EnglishKLA,
	}}, nil
}

// OpenDraftAgreement asks to open a draft partnership agreement for a school
// newly accepted into the partnership, for the office and the school to
// complete and sign.
type OpenDraftAgreement struct {
	SchoolID        string   `json:"schoolId"`
	AgreementID     string   `json:"agreementId"`
	FirstSchoolYear int      `json:"firstSchoolYear"`
	Subjects        []string `json:"subjects"`
	PlacesPerYear   int      `json:"placesPerYear"`
}

// DecideOpenDraftAgreement lets the process that follows the forum (or the
// office) open a draft for a registered school without an agreement in
// force, once.
func DecideOpenDraftAgreement(s School, c OpenDraftAgreement, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleSystem && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "draft agreements follow accepted expressions of interest")
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.UUID("agreementId", c.AgreementID)
	v.Range("firstSchoolYear", c.FirstSchoolYear, 2000, 2100)
	subjectList(&v, "subjects", c.Subjects, 1, 5)
	v.Range("placesPerYear", c.PlacesPerYear, 1, 30)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	a := s.agreement
	if a.id == c.AgreementID {
		return nil, nil
	}
	if a.inForce(today(m)) || a.draft && !a.ended {
		return nil, errs.Newf(errs.Conflict, "the school already has agreement %s", a.id)
	}
	core := c.Subjects[:min(3, len(c.Subjects))]
	return []any{placement.PartnershipAgreementSigned{SchoolID: c.SchoolID, AgreementID: c.AgreementID, FirstSchoolYear: c.FirstSchoolYear,
		Years: 3, CoreSubjects: core, MinPlaces: min(6, c.PlacesPerYear), MaxPlaces: max(8, c.PlacesPerYear),
		EnglishKLA: containsFold(c.Subjects, "English"), Draft: true}}, nil
}

// RenewPartnershipAgreement asks to extend the school's agreement by a
// further term (default 3 years) from the end of the current one.
type RenewPartnershipAgreement struct {
	SchoolID string `json:"schoolId"`
	Years    int    `json:"years"`
}

// DecideRenewPartnershipAgreement lets the office renew an agreement in force.
func DecideRenewPartnershipAgreement(s School, c RenewPartnershipAgreement, m decider.Meta) ([]any, error) {
	if err := office(m, "renews partnership agreements"); err != nil {
		return nil, err
	}
	c.Years = orDefault(c.Years, 3)
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.Range("years", c.Years, 1, 5)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	a := s.agreement
	if !a.signed || a.ended || a.draft {
		return nil, errs.Newf(errs.Conflict, "the school has no agreement in force to renew: sign a new one")
	}
	return []any{placement.PartnershipAgreementRenewed{
		SchoolID: c.SchoolID, AgreementID: a.id, FirstSchoolYear: a.firstYear + a.years, Years: c.Years,
	}}, nil
}

// EndPartnershipAgreement asks to end the school's agreement before its
// term, with a reason.
type EndPartnershipAgreement struct {
	SchoolID string         `json:"schoolId"`
	EndedOn  placement.Date `json:"endedOn"`
	Reason   string         `json:"reason"`
}

// DecideEndPartnershipAgreement lets the office end an agreement in force.
func DecideEndPartnershipAgreement(s School, c EndPartnershipAgreement, m decider.Meta) ([]any, error) {
	if err := office(m, "ends partnership agreements"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	day(&v, "endedOn", c.EndedOn)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	// The partnership ends on that day: every agreement still running
	// then ends, the current one and any signed in advance for later.
	var ended []any
	endYear := schoolYearOf(c.EndedOn)
	for _, a := range append(slices.Clone(s.earlier), s.agreement) {
		if a.signed && !a.draft && !a.ended && a.firstYear+a.years-1 >= endYear {
			ended = append(ended, placement.PartnershipAgreementEnded{SchoolID: c.SchoolID, AgreementID: a.id, EndedOn: c.EndedOn, Reason: c.Reason})
		}
	}
	if len(ended) == 0 {
		return nil, errs.Newf(errs.Conflict, "the school has no agreement in force to end")
	}
	return ended, nil
}

// SetSchoolCalendar asks to record (or replace) a school's calendar for a
// school year.
type SetSchoolCalendar struct {
	SchoolID           string             `json:"schoolId"`
	SchoolYear         int                `json:"schoolYear"`
	Terms              []placement.Period `json:"terms"`
	ExaminationPeriods []placement.Period `json:"examinationPeriods"`
	Holidays           []placement.Period `json:"holidays"`
}

// DecideSetSchoolCalendar lets the office or the school's coordinator give
// the school's calendar.
func DecideSetSchoolCalendar(s School, c SetSchoolCalendar, m decider.Meta) ([]any, error) {
	if err := officeOrCoordinatorOf(m, c.SchoolID, "sets a school's calendar"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.Range("schoolYear", c.SchoolYear, 2000, 2100)
	periods(&v, "terms", c.Terms)
	periods(&v, "examinationPeriods", c.ExaminationPeriods)
	periods(&v, "holidays", c.Holidays)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	e := placement.SchoolCalendarSet{SchoolID: c.SchoolID, SchoolYear: c.SchoolYear,
		Terms: nonNil(c.Terms), ExaminationPeriods: nonNil(c.ExaminationPeriods), Holidays: nonNil(c.Holidays)}
	if old, ok := s.calendars[c.SchoolYear]; ok && slices.Equal(old.Terms, e.Terms) &&
		slices.Equal(old.ExaminationPeriods, e.ExaminationPeriods) && slices.Equal(old.Holidays, e.Holidays) {
		return nil, nil // the same calendar again changes nothing
	}
	return []any{e}, nil
}

// AddTeacher asks to name a teacher of the school to the partnership.
type AddTeacher struct {
	SchoolID  string `json:"schoolId"`
	TeacherID string `json:"teacherId"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// DecideAddTeacher lets the office or the school's coordinator add a teacher once.
func DecideAddTeacher(s School, c AddTeacher, m decider.Meta) ([]any, error) {
	if err := officeOrCoordinatorOf(m, c.SchoolID, "adds the school's teachers"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.UUID("teacherId", c.TeacherID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.Email("email", c.Email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	if _, ok := s.teachers[c.TeacherID]; ok {
		return nil, errs.Newf(errs.Conflict, "teacher %s is already a teacher of the school", c.TeacherID)
	}
	return []any{placement.TeacherAdded{SchoolID: c.SchoolID, TeacherID: c.TeacherID, Name: c.Name, Email: c.Email}}, nil
}

// NameTeacherMentor asks to name a teacher of the school as teacher-mentor
// for subjects, mentoring at most LoadLimit student-teachers a round
// (default 2).
type NameTeacherMentor struct {
	SchoolID  string   `json:"schoolId"`
	TeacherID string   `json:"teacherId"`
	Subjects  []string `json:"subjects"`
	LoadLimit int      `json:"loadLimit"`
}

// DecideNameTeacherMentor lets the office or the school's coordinator name
// one of the school's teachers as a mentor.
func DecideNameTeacherMentor(s School, c NameTeacherMentor, m decider.Meta) ([]any, error) {
	if err := officeOrCoordinatorOf(m, c.SchoolID, "names the school's teacher-mentors"); err != nil {
		return nil, err
	}
	c.LoadLimit = orDefault(c.LoadLimit, 2)
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.UUID("teacherId", c.TeacherID)
	subjectList(&v, "subjects", c.Subjects, 1, 5)
	v.Range("loadLimit", c.LoadLimit, 1, 10)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	if _, ok := s.teachers[c.TeacherID]; !ok {
		return nil, errs.Invalid("teacherId", "teacher_of_school", "%s is not a teacher of the school: add the teacher first", c.TeacherID)
	}
	return []any{placement.TeacherMentorNamed{SchoolID: c.SchoolID, TeacherID: c.TeacherID, Subjects: c.Subjects, LoadLimit: c.LoadLimit}}, nil
}

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
