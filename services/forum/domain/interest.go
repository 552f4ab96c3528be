package domain

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"wsms/events"
	"wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Interest is a school's expression of interest in joining the partnership.
type Interest struct {
	expressed *forum.InterestExpressed
	reviewed  bool
}

// InterestStream names the stream of an expression of interest.
func InterestStream(id string) string { return "interest-" + id }

// EvolveInterest applies an interest event.
func EvolveInterest(i Interest, e any) Interest {
	switch e := e.(type) {
	case forum.InterestExpressed:
		i.expressed = &e
	case forum.InterestReviewed:
		i.reviewed = true
	}
	return i
}

// SchoolIDFor is the partner-school id an accepted expression of interest
// gives its school: derived, so that registering it twice names one school.
func SchoolIDFor(interestID string) string {
	return uuid.NewSHA1(uuid.MustParse("6f1b8c0e-2a9d-4c7e-8f3b-1d5e9a7c2b40"), []byte(interestID)).String()
}

// ExpressInterest asks to record a school's interest in joining.
type ExpressInterest struct {
	InterestID    string     `json:"interestId"`
	SchoolName    string     `json:"schoolName"`
	District      string     `json:"district"`
	Level         ep.Level   `json:"level"`
	Contact       ep.Contact `json:"contact"`
	Subjects      []string   `json:"subjects"`
	PlacesOffered int        `json:"placesOffered"`
}

// DecideExpressInterest records the interest of a school outside the
// partnership, sent by its coordinator (with no partner school yet) or by
// the office on its behalf.
func DecideExpressInterest(i Interest, c ExpressInterest, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleOffice && !(m.Actor.Role == events.RoleSchoolCoordinator && m.Actor.SchoolID == "") {
		return nil, errs.Newf(errs.Forbidden, "interest is expressed by a school outside the partnership, or by the office for it")
	}
	var v errs.Check
	v.UUID("interestId", c.InterestID)
	v.Required("schoolName", c.SchoolName)
	v.MaxLength("schoolName", c.SchoolName, 200)
	// The placement service registers an accepted school from these
	// details: they meet its rules, so that acceptance cannot fail there.
	v.Required("district", c.District)
	v.MaxLength("district", c.District, 100)
	v.OneOf("level", string(c.Level), string(ep.Primary), string(ep.Secondary))
	v.Required("contact.name", c.Contact.Name)
	v.MaxLength("contact.name", c.Contact.Name, 200)
	v.Email("contact.email", c.Contact.Email)
	v.MaxLength("contact.phone", c.Contact.Phone, 50)
	if len(c.Subjects) == 0 || len(c.Subjects) > 5 {
		v.Add(errs.Invalid("subjects", "count", "name 1 to 5 subjects, not %d", len(c.Subjects)))
	}
	seen := map[string]bool{}
	for k, s := range c.Subjects {
		f := fmt.Sprintf("subjects[%d]", k)
		v.Required(f, s)
		v.MaxLength(f, s, 100)
		if seen[strings.ToLower(s)] {
			v.Add(errs.Invalid(f, "unique", "%q is named twice", s))
		}
		seen[strings.ToLower(s)] = true
	}
	v.Range("placesOffered", c.PlacesOffered, 1, 30)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if i.expressed != nil {
		return nil, errs.Newf(errs.Conflict, "interest %s is already recorded", c.InterestID)
	}
	return []any{forum.InterestExpressed(c)}, nil
}

// ReviewInterest asks to accept or decline an expression of interest.
type ReviewInterest struct {
	InterestID string `json:"interestId"`
	Accept     bool   `json:"accept"`
	Reason     string `json:"reason"`
}

// DecideReviewInterest lets the office decide once, with a reason. An
// accepted school is then registered as a partner with a draft agreement.
func DecideReviewInterest(i Interest, c ReviewInterest, m decider.Meta) ([]any, error) {
	if err := office(m, "reviews expressions of interest"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("interestId", c.InterestID)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if i.expressed == nil {
		return nil, errs.Newf(errs.NotFound, "no expression of interest %s", c.InterestID)
	}
	if i.reviewed {
		return nil, errs.Newf(errs.Conflict, "interest %s has been reviewed already", c.InterestID)
	}
	e := forum.InterestReviewed{InterestID: c.InterestID, Accepted: c.Accept, Reason: c.Reason}
	if c.Accept {
		e.SchoolID = SchoolIDFor(c.InterestID)
		e.School = i.expressed
	}
	return []any{e}, nil
}
