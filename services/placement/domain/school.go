// Package domain holds the placement service's rules as pure deciders:
// partner schools, partnership agreements, placement rounds. Nothing here
// does I/O; every rule is tested as given events / when command / then
// events or error.
package domain

import (
	"wsms/events"
	"wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// School is what decisions about a partner school need to know of it.
type School struct {
	registered bool
	name       string
}

// SchoolStream names the stream of the school with id.
func SchoolStream(id string) string { return "school-" + id }

// EvolveSchool applies one of a school's events.
func EvolveSchool(s School, e any) School {
	switch e := e.(type) {
	case placement.SchoolRegistered:
		s.registered, s.name = true, e.Name
	}
	return s
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
	if m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "only the partnership office registers partner schools")
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.Required("name", c.Name)
	v.MaxLength("name", c.Name, 200)
	v.Required("district", c.District)
	v.MaxLength("district", c.District, 100)
	v.OneOf("level", string(c.Level), string(placement.Primary), string(placement.Secondary))
	v.Required("contact.name", c.Contact.Name)
	v.MaxLength("contact.name", c.Contact.Name, 200)
	v.Email("contact.email", c.Contact.Email)
	v.MaxLength("contact.phone", c.Contact.Phone, 50)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if s.registered {
		return nil, errs.Newf(errs.Conflict, "school %s is already registered as %q", c.SchoolID, s.name)
	}
	return []any{placement.SchoolRegistered{
		SchoolID: c.SchoolID, Name: c.Name, District: c.District, Level: c.Level, Contact: c.Contact,
	}}, nil
}
