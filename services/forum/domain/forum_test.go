package domain_test

import (
	"testing"

	"wsms/forum/app"
	"wsms/forum/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestTheOfficeSchedulesTheForum(t *testing.T) {
	t.Parallel()
	got, err := app.ScheduleForum(nil).Run(nil, schedule(), office)
	thenEvents(t, got, err, scheduledAs(schedule()))
	if f := forumOf(got); !f.Scheduled() || f.Date() != forumDay {
		t.Fatalf("after scheduling: scheduled %v on %s, want scheduled on %s", f.Scheduled(), f.Date(), forumDay)
	}
	if f := forumOf(nil); f.Scheduled() {
		t.Fatal("a forum with no events is scheduled")
	}
	thenForbiddenTo(t, actorsBut(office), func(m decider.Meta) ([]any, error) {
		return app.ScheduleForum(nil).Run(nil, schedule(), m)
	})
}

func TestTheForumMeetsAtAVenueOnlineOrBoth(t *testing.T) {
	t.Parallel()
	thenEachAccepted(t, nil, app.ScheduleForum(nil), schedule, office, []accepted[domain.ScheduleForum]{
		{"venue and online link", func(*domain.ScheduleForum) {}},
		{"venue only", func(c *domain.ScheduleForum) { c.OnlineLink = "" }},
		{"online only", func(c *domain.ScheduleForum) { c.Venue = "" }},
		{"longest venue, link and theme", func(c *domain.ScheduleForum) {
			c.Venue, c.OnlineLink, c.Theme = chinese(300), "https://hku.zoom.us/j/"+long(478), chinese(300)
		}},
		{"first and last years", func(c *domain.ScheduleForum) { c.Year, c.Date = 2000, "2000-11-18" }},
		{"last year", func(c *domain.ScheduleForum) { c.Year, c.Date = 2100, "2100-11-20" }},
	}, func(c domain.ScheduleForum) []any { return []any{scheduledAs(c)} })
}

func TestSchedulingRefusesMalformedDetails(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.ScheduleForum(nil), schedule, office, []invalid[domain.ScheduleForum]{
		{"year before 2000", func(c *domain.ScheduleForum) { c.Year = 1999 }, "year", "range"},
		{"year after 2100", func(c *domain.ScheduleForum) { c.Year = 2101 }, "year", "range"},
		{"no year", func(c *domain.ScheduleForum) { c.Year = 0 }, "year", "range"},
		{"no date", func(c *domain.ScheduleForum) { c.Date = "" }, "date", "date"},
		{"date written the British way", func(c *domain.ScheduleForum) { c.Date = "20/11/2027" }, "date", "date"},
		{"no such day", func(c *domain.ScheduleForum) { c.Date = "2027-02-29" }, "date", "date"},
		{"neither venue nor online link", func(c *domain.ScheduleForum) { c.Venue, c.OnlineLink = "", "" }, "venue", "required"},
		{"blank venue and no online link", func(c *domain.ScheduleForum) { c.Venue, c.OnlineLink = "   ", "" }, "venue", "required"},
		{"venue too long", func(c *domain.ScheduleForum) { c.Venue = chinese(301) }, "venue", "max_length"},
		{"online link too long", func(c *domain.ScheduleForum) { c.OnlineLink = "https://hku.zoom.us/j/" + long(479) }, "onlineLink", "max_length"},
		{"no theme", func(c *domain.ScheduleForum) { c.Theme = "" }, "theme", "required"},
		{"blank theme", func(c *domain.ScheduleForum) { c.Theme = " \t" }, "theme", "required"},
		{"theme too long", func(c *domain.ScheduleForum) { c.Theme = long(301) }, "theme", "max_length"},
	})
}

func TestTheForumIsScheduledOncePerYear(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*domain.ScheduleForum){
		"the same forum again": func(*domain.ScheduleForum) {},
		"on another day":       func(c *domain.ScheduleForum) { c.Date = "2027-12-04" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := schedule()
			change(&c)
			got, err := app.ScheduleForum(nil).Run(scheduled(t), c, office)
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

// renewalsDue is what the partnership's agreements list for the forum:
// three agreements ending in its year, and two that do not.
func renewalsDue() []domain.Renewal {
	return []domain.Renewal{
		renewal(thirdSchoolID, thirdAgreementID, year),
		renewal(unknownID, newAgreementID, year+1),
		renewal(schoolID, agreementID, year),
		renewal(coordinatorID, unknownID, year-1),
		renewal(otherSchoolID, otherAgreementID, year),
	}
}

func TestSchedulingPutsTheAgreementsEndingThatYearOnTheAgendaBySchool(t *testing.T) {
	t.Parallel()
	want := []any{scheduledAs(schedule()),
		onAgenda(renewal(schoolID, agreementID, year)),
		onAgenda(renewal(otherSchoolID, otherAgreementID, year)),
		onAgenda(renewal(thirdSchoolID, thirdAgreementID, year)),
	}
	due := renewalsDue()
	for name, order := range map[string][]int{
		"as listed":   {0, 1, 2, 3, 4},
		"reversed":    {4, 3, 2, 1, 0},
		"interleaved": {2, 4, 0, 3, 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := schedule()
			for _, i := range order {
				c.RenewalsDue = append(c.RenewalsDue, due[i])
			}
			got, err := domain.DecideScheduleForum(domain.Forum{}, c, office)
			thenEvents(t, got, err, want...)
		})
	}
}

func TestSchedulingWithNoAgreementEndingPutsNothingOnTheAgenda(t *testing.T) {
	t.Parallel()
	c := schedule()
	c.RenewalsDue = []domain.Renewal{renewal(schoolID, agreementID, year+1), renewal(otherSchoolID, otherAgreementID, year-1)}
	got, err := app.ScheduleForum(nil).Run(nil, c, office)
	thenEvents(t, got, err, scheduledAs(c))
}

func TestTheProcessOrTheOfficeAddsARenewalToTheAgenda(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]decider.Meta{"the process following agreements": system, "office": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AddRenewalAgendaItem.Run(programme(t), agendaItem(), m)
			thenEvents(t, got, err, onAgenda(agendaItem().Renewal))
		})
	}
	thenForbiddenTo(t, actorsBut(system, office), func(m decider.Meta) ([]any, error) {
		return app.AddRenewalAgendaItem.Run(programme(t), agendaItem(), m)
	})
}

func TestARenewalAgendaItemRefusesMalformedAgreements(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, scheduled(t), app.AddRenewalAgendaItem, agendaItem, system, []invalid[domain.AddRenewalAgendaItem]{
		{"no school", func(c *domain.AddRenewalAgendaItem) { c.SchoolID = "" }, "schoolId", "required"},
		{"school not a UUID", func(c *domain.AddRenewalAgendaItem) { c.SchoolID = "shatin-methodist" }, "schoolId", "uuid"},
		{"no agreement", func(c *domain.AddRenewalAgendaItem) { c.AgreementID = "" }, "agreementId", "required"},
		{"agreement not a UUID", func(c *domain.AddRenewalAgendaItem) { c.AgreementID = "PPS-2025-07" }, "agreementId", "uuid"},
		{"agreement ending the next year", func(c *domain.AddRenewalAgendaItem) { c.LastSchoolYear = year + 1 }, "lastSchoolYear", "forum_year"},
		{"agreement ending the year before", func(c *domain.AddRenewalAgendaItem) { c.LastSchoolYear = year - 1 }, "lastSchoolYear", "forum_year"},
		{"sent to another year's forum", func(c *domain.AddRenewalAgendaItem) { c.Year = year + 1 }, "lastSchoolYear", "forum_year"},
	})
}

func TestARenewalWaitsForTheForumToBeScheduled(t *testing.T) {
	t.Parallel()
	got, err := app.AddRenewalAgendaItem.Run(nil, agendaItem(), system)
	thenRefused(t, got, err, errs.NotFound)
}

func TestTheSameRenewalIsOnTheAgendaOnce(t *testing.T) {
	t.Parallel()
	for name, given := range map[string]func(*testing.T) []any{
		"added by the process": func(t *testing.T) []any {
			return after(t, scheduled(t), app.AddRenewalAgendaItem, agendaItem(), system)
		},
		"put there when the forum was scheduled": func(t *testing.T) []any {
			c := schedule()
			c.RenewalsDue = renewalsDue()
			return after(t, nil, app.ScheduleForum(nil), c, office)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AddRenewalAgendaItem.Run(given(t), agendaItem(), system)
			thenNothing(t, got, err)
		})
	}
}

func TestAnotherRenewalJoinsTheAgenda(t *testing.T) {
	t.Parallel()
	given := after(t, scheduled(t), app.AddRenewalAgendaItem, agendaItem(), system)
	for name, r := range map[string]domain.Renewal{
		"another school's agreement":         renewal(otherSchoolID, otherAgreementID, year),
		"a new agreement of the same school": renewal(schoolID, newAgreementID, year),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.AddRenewalAgendaItem.Run(given, domain.AddRenewalAgendaItem{Year: year, Renewal: r}, system)
			thenEvents(t, got, err, onAgenda(r))
		})
	}
}

func TestTheOfficeAddsSessionsToTheProgramme(t *testing.T) {
	t.Parallel()
	got, err := app.AddForumSession.Run(scheduled(t), triads(), office)
	thenEvents(t, got, err, sessionAddedAs(triads()))
	s, ok := forumOf(append(scheduled(t), got...)).Session(sessionID)
	if !ok || s != sessionAddedAs(triads()) {
		t.Fatalf("the forum's session %s: %+v (%v), want %+v", sessionID, s, ok, sessionAddedAs(triads()))
	}
	if _, ok := forumOf(scheduled(t)).Session(sessionID); ok {
		t.Fatal("a session is on the programme before it is added")
	}
	thenForbiddenTo(t, actorsBut(office), func(m decider.Meta) ([]any, error) {
		return app.AddForumSession.Run(scheduled(t), triads(), m)
	})
}

func TestEveryFormatAndSizeOfSession(t *testing.T) {
	t.Parallel()
	thenEachAccepted(t, scheduled(t), app.AddForumSession, triads, office, []accepted[domain.AddForumSession]{
		{"workshop", func(c *domain.AddForumSession) { c.Format = "workshop" }},
		{"panel", func(c *domain.AddForumSession) { c.Format = "panel" }},
		{"keynote by the faculty, no presenting school", func(c *domain.AddForumSession) {
			c.Format, c.PresenterSchoolID, c.Presenter = "keynote", "", "Professor Lee Wing On"
		}},
		{"one seat", func(c *domain.AddForumSession) { c.Capacity = 1 }},
		{"the whole hall", func(c *domain.AddForumSession) { c.Capacity = 2000 }},
		{"longest title", func(c *domain.AddForumSession) { c.Title = chinese(300) }},
	}, func(c domain.AddForumSession) []any { return []any{sessionAddedAs(c)} })
}

func TestAddingASessionRefusesMalformedDetails(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, scheduled(t), app.AddForumSession, triads, office, []invalid[domain.AddForumSession]{
		{"no session id", func(c *domain.AddForumSession) { c.SessionID = "" }, "sessionId", "required"},
		{"session id not a UUID", func(c *domain.AddForumSession) { c.SessionID = "session-1" }, "sessionId", "uuid"},
		{"no title", func(c *domain.AddForumSession) { c.Title = "  " }, "title", "required"},
		{"title too long", func(c *domain.AddForumSession) { c.Title = chinese(301) }, "title", "max_length"},
		{"no format", func(c *domain.AddForumSession) { c.Format = "" }, "format", "one_of"},
		{"unknown format", func(c *domain.AddForumSession) { c.Format = "lecture" }, "format", "one_of"},
		{"format in capitals", func(c *domain.AddForumSession) { c.Format = "Sharing" }, "format", "one_of"},
		{"presenting school not a UUID", func(c *domain.AddForumSession) { c.PresenterSchoolID = "SMC" }, "presenterSchoolId", "uuid"},
		{"no presenter", func(c *domain.AddForumSession) { c.Presenter = "" }, "presenter", "required"},
		{"no seats", func(c *domain.AddForumSession) { c.Capacity = 0 }, "capacity", "range"},
		{"negative seats", func(c *domain.AddForumSession) { c.Capacity = -5 }, "capacity", "range"},
		{"more seats than the hall", func(c *domain.AddForumSession) { c.Capacity = 2001 }, "capacity", "range"},
	})
}

func TestASessionNeedsTheForumScheduled(t *testing.T) {
	t.Parallel()
	got, err := app.AddForumSession.Run(nil, triads(), office)
	thenRefused(t, got, err, errs.NotFound)
}

func TestASessionIsAddedOnce(t *testing.T) {
	t.Parallel()
	c := triads()
	c.Title, c.Capacity = "Co-planning with student-teachers", 40
	got, err := app.AddForumSession.Run(programme(t), c, office)
	thenRefused(t, got, err, errs.Conflict)

	c.SessionID = otherSessionID
	got, err = app.AddForumSession.Run(programme(t), c, office)
	thenEvents(t, got, err, sessionAddedAs(c))
}
