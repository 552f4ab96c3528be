package domain

import (
	"fmt"
	"maps"
	"slices"

	"wsms/events"
	"wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Session is the registrations of one forum session.
type Session struct {
	registrations map[string]registration
	waitlist      []string // registrations waiting, first come first
}

type registration struct {
	personID             string
	kind, schoolID       string
	waitlisted, canceled bool
	attended             *bool
}

// SessionStreamPrefix starts the stream of every session of a year's forum.
func SessionStreamPrefix(year int) string { return fmt.Sprintf("session-%d-", year) }

// SessionStream names the stream of a session's registrations.
func SessionStream(year int, sessionID string) string { return SessionStreamPrefix(year) + sessionID }

// EvolveSession applies one of a session's events.
func EvolveSession(s Session, e any) Session {
	switch e := e.(type) {
	case forum.DelegateRegistered:
		s.registrations = maps.Clone(s.registrations)
		if s.registrations == nil {
			s.registrations = map[string]registration{}
		}
		s.registrations[e.RegistrationID] = registration{personID: e.PersonID, kind: e.Kind, schoolID: e.SchoolID, waitlisted: e.Waitlisted}
		if e.Waitlisted {
			s.waitlist = append(slices.Clip(s.waitlist), e.RegistrationID)
		}
	case forum.RegistrationCancelled:
		s.registrations = maps.Clone(s.registrations)
		r := s.registrations[e.RegistrationID]
		r.canceled = true
		s.registrations[e.RegistrationID] = r
		s.waitlist = slices.DeleteFunc(slices.Clone(s.waitlist), func(id string) bool { return id == e.RegistrationID })
	case forum.WaitlistPromoted:
		s.registrations = maps.Clone(s.registrations)
		r := s.registrations[e.RegistrationID]
		r.waitlisted = false
		s.registrations[e.RegistrationID] = r
		s.waitlist = slices.DeleteFunc(slices.Clone(s.waitlist), func(id string) bool { return id == e.RegistrationID })
	case forum.AttendanceRecorded:
		s.registrations = maps.Clone(s.registrations)
		r := s.registrations[e.RegistrationID]
		attended := e.Attended
		r.attended = &attended
		s.registrations[e.RegistrationID] = r
	}
	return s
}

// seated counts the registrations holding a place.
func (s Session) seated() int {
	n := 0
	for _, r := range s.registrations {
		if !r.canceled && !r.waitlisted {
			n++
		}
	}
	return n
}

// SchoolsRegistered are the schools with a registration that stands.
func (s Session) SchoolsRegistered() []string {
	var ids []string
	for _, r := range s.registrations {
		if !r.canceled && r.schoolID != "" && !slices.Contains(ids, r.schoolID) {
			ids = append(ids, r.schoolID)
		}
	}
	slices.Sort(ids)
	return ids
}

// RegisterForForum asks to register a school delegate (Kind "school", with
// the school) or a member of the faculty (Kind "faculty") for a session.
// Forum is the year's forum, filled in before the decision.
type RegisterForForum struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
	PersonID       string `json:"personId"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	SchoolID       string `json:"schoolId"`
	Forum          Forum  `json:"-"`
}

// DecideRegisterForForum registers the person, or puts them on the waiting
// list when the session is full. School staff register for their own
// school; the faculty and the office for anyone.
func DecideRegisterForForum(s Session, c RegisterForForum, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("sessionId", c.SessionID)
	v.UUID("registrationId", c.RegistrationID)
	v.UUID("personId", c.PersonID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.OneOf("kind", c.Kind, forum.DelegateSchool, forum.DelegateFaculty)
	if c.Kind == forum.DelegateSchool {
		v.UUID("schoolId", c.SchoolID)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	switch m.Actor.Role {
	case events.RoleOffice, events.RoleFaculty:
	case events.RoleSchoolCoordinator, events.RoleMentor:
		if c.Kind != forum.DelegateSchool || c.SchoolID != m.Actor.SchoolID {
			return nil, errs.Newf(errs.Forbidden, "school staff register delegates of their own school")
		}
	default:
		return nil, errs.Newf(errs.Forbidden, "registrations are made by schools, the faculty and the office")
	}
	if err := c.Forum.mustBeScheduled(c.Year); err != nil {
		return nil, err
	}
	session, ok := c.Forum.Session(c.SessionID)
	if !ok {
		return nil, errs.Newf(errs.NotFound, "the %d forum has no session %s", c.Year, c.SessionID)
	}
	if today(m) > c.Forum.Date() {
		return nil, errs.Newf(errs.Conflict, "the %d forum took place on %s", c.Year, c.Forum.Date())
	}
	if _, ok := s.registrations[c.RegistrationID]; ok {
		return nil, errs.Newf(errs.Conflict, "registration %s is already made", c.RegistrationID)
	}
	for _, r := range s.registrations {
		if r.personID == c.PersonID && !r.canceled {
			return nil, errs.Newf(errs.Conflict, "%s is already registered for this session", c.Name)
		}
	}
	kind := c.Kind
	school := c.SchoolID
	if kind == forum.DelegateFaculty {
		school = ""
	}
	return []any{forum.DelegateRegistered{Year: c.Year, SessionID: c.SessionID, RegistrationID: c.RegistrationID, PersonID: c.PersonID,
		Name: c.Name, Kind: kind, SchoolID: school, Waitlisted: s.seated() >= session.Capacity}}, nil
}

// CancelRegistration asks to cancel a registration; the first on the
// waiting list then gets the place.
type CancelRegistration struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
}

// DecideCancelRegistration lets the person's school, the faculty or the
// office cancel a registration that stands.
func DecideCancelRegistration(s Session, c CancelRegistration, m decider.Meta) ([]any, error) {
	var v errs.Check
	v.UUID("sessionId", c.SessionID)
	v.UUID("registrationId", c.RegistrationID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, ok := s.registrations[c.RegistrationID]
	if !ok {
		return nil, errs.Newf(errs.NotFound, "no registration %s for this session", c.RegistrationID)
	}
	switch m.Actor.Role {
	case events.RoleOffice, events.RoleFaculty:
	case events.RoleSchoolCoordinator, events.RoleMentor:
		if r.schoolID == "" || r.schoolID != m.Actor.SchoolID {
			return nil, errs.Newf(errs.Forbidden, "school staff cancel registrations of their own school")
		}
	default:
		return nil, errs.Newf(errs.Forbidden, "registrations are cancelled by schools, the faculty and the office")
	}
	if r.canceled {
		return nil, nil
	}
	decided := []any{forum.RegistrationCancelled{Year: c.Year, SessionID: c.SessionID, RegistrationID: c.RegistrationID}}
	if !r.waitlisted && len(s.waitlist) > 0 {
		decided = append(decided, forum.WaitlistPromoted{Year: c.Year, SessionID: c.SessionID, RegistrationID: s.waitlist[0]})
	}
	return decided, nil
}

// RecordAttendance asks to record who attended a session on the day.
type RecordAttendance struct {
	Year           int    `json:"year"`
	SessionID      string `json:"sessionId"`
	RegistrationID string `json:"registrationId"`
	Attended       bool   `json:"attended"`
	Forum          Forum  `json:"-"`
}

// DecideRecordAttendance lets the office or the faculty record attendance
// of a seated registration, from the forum's day on.
func DecideRecordAttendance(s Session, c RecordAttendance, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleOffice && m.Actor.Role != events.RoleFaculty {
		return nil, errs.Newf(errs.Forbidden, "attendance is recorded by the office or the faculty")
	}
	var v errs.Check
	v.UUID("sessionId", c.SessionID)
	v.UUID("registrationId", c.RegistrationID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Forum.mustBeScheduled(c.Year); err != nil {
		return nil, err
	}
	if today(m) < c.Forum.Date() {
		return nil, errs.Newf(errs.Conflict, "attendance is recorded on the day of the forum, %s", c.Forum.Date())
	}
	r, ok := s.registrations[c.RegistrationID]
	switch {
	case !ok:
		return nil, errs.Newf(errs.NotFound, "no registration %s for this session", c.RegistrationID)
	case r.canceled || r.waitlisted:
		return nil, errs.Newf(errs.Conflict, "registration %s holds no place in the session", c.RegistrationID)
	case r.attended != nil && *r.attended == c.Attended:
		return nil, nil
	}
	return []any{forum.AttendanceRecorded{Year: c.Year, SessionID: c.SessionID, RegistrationID: c.RegistrationID, Attended: c.Attended}}, nil
}

func today(m decider.Meta) ep.Date { return ep.Date(m.Today()) }
