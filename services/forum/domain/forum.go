// Package domain holds the forum service's rules as pure deciders: the
// annual partnership forum and its sessions, registrations with waiting
// lists, attendance, shared practice, feedback, and expressions of interest
// from schools outside the partnership. Nothing here does I/O.
package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"wsms/events"
	"wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Forum is one year's partnership forum.
type Forum struct {
	scheduled forum.ForumScheduled
	sessions  map[string]forum.SessionAdded
	renewals  map[string]string // by school: agreement on the agenda
}

// ForumStream names the stream of a year's forum.
func ForumStream(year int) string { return fmt.Sprintf("forum-%d", year) }

// EvolveForum applies one of a forum's events.
func EvolveForum(f Forum, e any) Forum {
	switch e := e.(type) {
	case forum.ForumScheduled:
		f.scheduled = e
		f.sessions, f.renewals = map[string]forum.SessionAdded{}, map[string]string{}
	case forum.SessionAdded:
		f.sessions = maps.Clone(f.sessions)
		f.sessions[e.SessionID] = e
	case forum.RenewalAgendaItemAdded:
		f.renewals = maps.Clone(f.renewals)
		f.renewals[e.SchoolID] = e.AgreementID
	}
	return f
}

// Scheduled reports whether the forum is scheduled.
func (f Forum) Scheduled() bool { return f.scheduled.Year != 0 }

// Date is the forum's day.
func (f Forum) Date() ep.Date { return f.scheduled.Date }

// Session returns a session of the forum.
func (f Forum) Session(id string) (forum.SessionAdded, bool) {
	s, ok := f.sessions[id]
	return s, ok
}

func office(m decider.Meta, what string) error {
	if m.Actor.Role != events.RoleOffice {
		return errs.Newf(errs.Forbidden, "only the partnership office %s", what)
	}
	return nil
}

func (f Forum) mustBeScheduled(year int) error {
	if !f.Scheduled() {
		return errs.Newf(errs.NotFound, "no partnership forum is scheduled for %d", year)
	}
	return nil
}

// Partner is a school in the partnership.
type Partner struct {
	SchoolID string `json:"schoolId"`
	Name     string `json:"name"`
}

// Renewal is an agreement in the last year of its term.
type Renewal struct {
	SchoolID       string `json:"schoolId"`
	AgreementID    string `json:"agreementId"`
	LastSchoolYear int    `json:"lastSchoolYear"`
}

// ScheduleForum asks to schedule the year's forum. RenewalsDue are the
// agreements in the last year of their term that year, filled in from the
// service's copy of the partnership's agreements.
type ScheduleForum struct {
	Year        int       `json:"year"`
	Date        ep.Date   `json:"date"`
	Venue       string    `json:"venue"`
	OnlineLink  string    `json:"onlineLink"`
	Theme       string    `json:"theme"`
	RenewalsDue []Renewal `json:"-"`
}

// DecideScheduleForum lets the office schedule a forum once a year, putting
// the schools whose agreements end that year on its renewal agenda.
func DecideScheduleForum(f Forum, c ScheduleForum, m decider.Meta) ([]any, error) {
	if err := office(m, "schedules the partnership forum"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.Range("year", c.Year, 2000, 2100)
	v.Date("date", string(c.Date))
	if strings.TrimSpace(c.Venue) == "" && strings.TrimSpace(c.OnlineLink) == "" {
		v.Add(errs.Invalid("venue", "required", "give a venue, an online link, or both"))
	}
	v.MaxLength("venue", c.Venue, 300)
	v.MaxLength("onlineLink", c.OnlineLink, 500)
	v.Required("theme", c.Theme)
	v.MaxLength("theme", c.Theme, 300)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if f.Scheduled() {
		return nil, errs.Newf(errs.Conflict, "the %d forum is already scheduled for %s", c.Year, f.scheduled.Date)
	}
	decided := []any{forum.ForumScheduled{Year: c.Year, Date: c.Date, Venue: c.Venue, OnlineLink: c.OnlineLink, Theme: c.Theme}}
	for _, r := range sortedRenewals(c.RenewalsDue) {
		if r.LastSchoolYear == c.Year {
			decided = append(decided, forum.RenewalAgendaItemAdded{Year: c.Year, SchoolID: r.SchoolID, AgreementID: r.AgreementID, LastSchoolYear: r.LastSchoolYear})
		}
	}
	return decided, nil
}

func sortedRenewals(rs []Renewal) []Renewal {
	return slices.SortedFunc(slices.Values(rs), func(a, b Renewal) int {
		if a.SchoolID < b.SchoolID {
			return -1
		}
		if a.SchoolID > b.SchoolID {
			return 1
		}
		return 0
	})
}

// AddRenewalAgendaItem asks to put a school whose agreement is in its last
// year on the forum's renewal agenda.
type AddRenewalAgendaItem struct {
	Year int `json:"year"`
	Renewal
}

// DecideAddRenewalAgendaItem lets the process that follows agreements (or
// the office) add a school to the agenda once.
func DecideAddRenewalAgendaItem(f Forum, c AddRenewalAgendaItem, m decider.Meta) ([]any, error) {
	if m.Actor.Role != events.RoleSystem && m.Actor.Role != events.RoleOffice {
		return nil, errs.Newf(errs.Forbidden, "the renewal agenda follows the partnership agreements")
	}
	var v errs.Check
	v.UUID("schoolId", c.SchoolID)
	v.UUID("agreementId", c.AgreementID)
	if c.LastSchoolYear != c.Year {
		v.Add(errs.Invalid("lastSchoolYear", "forum_year", "an agreement ending in %d is renewed at the %d forum, not %d", c.LastSchoolYear, c.LastSchoolYear, c.Year))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := f.mustBeScheduled(c.Year); err != nil {
		return nil, err
	}
	if f.renewals[c.SchoolID] == c.AgreementID {
		return nil, nil
	}
	return []any{forum.RenewalAgendaItemAdded{Year: c.Year, SchoolID: c.SchoolID, AgreementID: c.AgreementID, LastSchoolYear: c.LastSchoolYear}}, nil
}

// Session formats.
var sessionFormats = []string{"sharing", "workshop", "panel", "keynote"}

// AddForumSession asks to add a session to the forum's programme.
type AddForumSession struct {
	Year              int    `json:"year"`
	SessionID         string `json:"sessionId"`
	Title             string `json:"title"`
	Format            string `json:"format"`
	PresenterSchoolID string `json:"presenterSchoolId"`
	Presenter         string `json:"presenter"`
	Capacity          int    `json:"capacity"`
}

// DecideAddForumSession lets the office add a session once.
func DecideAddForumSession(f Forum, c AddForumSession, m decider.Meta) ([]any, error) {
	if err := office(m, "plans the forum's sessions"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("sessionId", c.SessionID)
	v.Required("title", c.Title)
	v.MaxLength("title", c.Title, 300)
	v.OneOf("format", c.Format, sessionFormats...)
	if c.PresenterSchoolID != "" {
		v.UUID("presenterSchoolId", c.PresenterSchoolID)
	}
	v.Required("presenter", c.Presenter)
	v.Range("capacity", c.Capacity, 1, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := f.mustBeScheduled(c.Year); err != nil {
		return nil, err
	}
	if _, ok := f.sessions[c.SessionID]; ok {
		return nil, errs.Newf(errs.Conflict, "session %s is already on the programme", c.SessionID)
	}
	return []any{forum.SessionAdded(c)}, nil
}
