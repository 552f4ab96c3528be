package domain

import (
	"fmt"
	"net/url"

	"wsms/events"
	"wsms/events/forum"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Practice is a shared write-up of a mentoring practice.
type Practice struct{ shared bool }

// PracticeStreamPrefix starts every practice stream.
const PracticeStreamPrefix = "practice-"

// PracticeStream names the stream of a shared practice.
func PracticeStream(id string) string { return PracticeStreamPrefix + id }

// EvolvePractice applies a practice event.
func EvolvePractice(p Practice, e any) Practice {
	if _, ok := e.(forum.PracticeShared); ok {
		p.shared = true
	}
	return p
}

// SharePractice asks to add a school's write-up of a mentoring practice to
// the partnership's good-practice portfolio.
type SharePractice struct {
	PracticeID string   `json:"practiceId"`
	SchoolID   string   `json:"schoolId"`
	Year       int      `json:"year"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Subject    string   `json:"subject"`
	Links      []string `json:"links"`
}

// DecideSharePractice lets a school's staff (or the office) share a practice once.
func DecideSharePractice(p Practice, c SharePractice, m decider.Meta) ([]any, error) {
	switch {
	case m.Actor.Role == events.RoleOffice:
	case (m.Actor.Role == events.RoleSchoolCoordinator || m.Actor.Role == events.RoleMentor) && m.Actor.SchoolID == c.SchoolID:
	default:
		return nil, errs.Newf(errs.Forbidden, "a school's staff share the school's practice")
	}
	var v errs.Check
	v.UUID("practiceId", c.PracticeID)
	v.UUID("schoolId", c.SchoolID)
	v.Range("year", c.Year, 2000, 2100)
	v.Required("title", c.Title)
	v.MaxLength("title", c.Title, 300)
	v.Required("summary", c.Summary)
	v.MaxLength("summary", c.Summary, 10000)
	v.Required("subject", c.Subject)
	if len(c.Links) > 10 {
		v.Add(errs.Invalid("links", "count", "at most 10 links, not %d", len(c.Links)))
	}
	for i, l := range c.Links {
		if u, err := url.Parse(l); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add(errs.Invalid(fmt.Sprintf("links[%d]", i), "url", "%q is not a web address", l))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if p.shared {
		return nil, errs.Newf(errs.Conflict, "practice %s is already shared", c.PracticeID)
	}
	return []any{forum.PracticeShared{PracticeID: c.PracticeID, SchoolID: c.SchoolID, Year: c.Year, Title: c.Title,
		Summary: c.Summary, Subject: c.Subject, Links: nonNil(c.Links)}}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
