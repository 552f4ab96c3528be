package domain_test

import (
	"testing"

	"wsms/events/forum"
	"wsms/forum/app"
	"wsms/forum/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestASchoolsStaffShareItsPractice(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]decider.Meta{"coordinator": coordinator, "mentor": mentor, "office": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.SharePractice.Run(nil, practice(), m)
			thenEvents(t, got, err, sharedAs(practice()))
		})
	}
	thenForbiddenTo(t, actorsBut(coordinator, mentor, office), func(m decider.Meta) ([]any, error) {
		return app.SharePractice.Run(nil, practice(), m)
	})
}

func TestSharedPracticeLinksToTheWeb(t *testing.T) {
	t.Parallel()
	ten := make([]string, 10)
	for i := range ten {
		ten[i] = "https://www.smc.edu.hk/mentoring/triads/" + string(rune('a'+i))
	}
	thenEachAccepted(t, nil, app.SharePractice, practice, coordinator, []accepted[domain.SharePractice]{
		{"no links, recorded as none", func(c *domain.SharePractice) { c.Links = nil }},
		{"ten links", func(c *domain.SharePractice) { c.Links = ten }},
		{"link with a query and a port", func(c *domain.SharePractice) {
			c.Links = []string{"https://edumedia.hku.hk:8443/play?v=triads&t=90"}
		}},
		{"scheme in capitals", func(c *domain.SharePractice) { c.Links = []string{"HTTPS://www.smc.edu.hk/"} }},
		{"longest title and summary", func(c *domain.SharePractice) { c.Title, c.Summary = chinese(300), chinese(10000) }},
	}, func(c domain.SharePractice) []any {
		e := sharedAs(c)
		if e.Links == nil {
			e.Links = []string{}
		}
		return []any{e}
	})
}

func TestSharingRefusesMalformedPractice(t *testing.T) {
	t.Parallel()
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "https://www.smc.edu.hk/"
	}
	links := func(l ...string) func(*domain.SharePractice) {
		return func(c *domain.SharePractice) { c.Links = l }
	}
	thenEachInvalid(t, nil, app.SharePractice, practice, office, []invalid[domain.SharePractice]{
		{"no practice id", func(c *domain.SharePractice) { c.PracticeID = "" }, "practiceId", "required"},
		{"practice id not a UUID", func(c *domain.SharePractice) { c.PracticeID = "triads-2027" }, "practiceId", "uuid"},
		{"no school", func(c *domain.SharePractice) { c.SchoolID = "" }, "schoolId", "required"},
		{"school not a UUID", func(c *domain.SharePractice) { c.SchoolID = "SMC" }, "schoolId", "uuid"},
		{"year before 2000", func(c *domain.SharePractice) { c.Year = 1999 }, "year", "range"},
		{"year after 2100", func(c *domain.SharePractice) { c.Year = 2101 }, "year", "range"},
		{"no title", func(c *domain.SharePractice) { c.Title = "" }, "title", "required"},
		{"title too long", func(c *domain.SharePractice) { c.Title = chinese(301) }, "title", "max_length"},
		{"no summary", func(c *domain.SharePractice) { c.Summary = "\n" }, "summary", "required"},
		{"summary too long", func(c *domain.SharePractice) { c.Summary = long(10001) }, "summary", "max_length"},
		{"no subject", func(c *domain.SharePractice) { c.Subject = " " }, "subject", "required"},
		{"eleven links", func(c *domain.SharePractice) { c.Links = eleven }, "links", "count"},
		{"empty link", links("https://www.smc.edu.hk/", ""), "links[1]", "url"},
		{"no scheme", links("www.smc.edu.hk/mentoring"), "links[0]", "url"},
		{"file transfer", links("ftp://files.smc.edu.hk/triads.pdf"), "links[0]", "url"},
		{"script", links("javascript:alert(document.cookie)"), "links[0]", "url"},
		{"e-mail address", links("mailto:grace.ho@smc.edu.hk"), "links[0]", "url"},
		{"no host", links("https:///triads.pdf"), "links[0]", "url"},
		{"unparsable", links("https://www.smc.edu.hk/%zz"), "links[0]", "url"},
		{"space in the host", links("https://www.smc edu.hk/"), "links[0]", "url"},
		{"the first bad link is reported", links("https://www.smc.edu.hk/", "smc", "ftp://x"), "links[1]", "url"},
	})
}

func TestAPracticeIsSharedOnce(t *testing.T) {
	t.Parallel()
	given := after(t, nil, app.SharePractice, practice(), coordinator)
	c := practice()
	c.Title = "Lesson study triads, revised"
	got, err := app.SharePractice.Run(given, c, mentor)
	thenRefused(t, got, err, errs.Conflict)

	c.PracticeID = unknownID
	got, err = app.SharePractice.Run(nil, c, mentor)
	thenEvents(t, got, err, forum.PracticeShared{PracticeID: unknownID, SchoolID: schoolID, Year: year, Title: c.Title,
		Summary: c.Summary, Subject: "English", Links: c.Links})
}
