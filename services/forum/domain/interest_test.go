package domain_test

import (
	"testing"

	"github.com/google/uuid"

	"wsms/events/forum"
	"wsms/events/placement"
	"wsms/forum/app"
	"wsms/forum/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

func TestAProspectiveSchoolExpressesInterest(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]decider.Meta{"its coordinator": prospective, "the office on its behalf": office} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.ExpressInterest.Run(nil, interest(), m)
			thenEvents(t, got, err, expressedAs(interest()))
		})
	}
	// A coordinator acting for a partner school is already in the
	// partnership.
	thenForbiddenTo(t, actorsBut(prospective, office), func(m decider.Meta) ([]any, error) {
		return app.ExpressInterest.Run(nil, interest(), m)
	})
}

func TestInterestIsExpressedWithinLimits(t *testing.T) {
	t.Parallel()
	thenEachAccepted(t, nil, app.ExpressInterest, interest, prospective, []accepted[domain.ExpressInterest]{
		{"a primary school", func(c *domain.ExpressInterest) { c.Level = placement.Primary }},
		{"one subject, one place", func(c *domain.ExpressInterest) { c.Subjects, c.PlacesOffered = []string{"English Language"}, 1 }},
		{"five subjects, thirty places", func(c *domain.ExpressInterest) {
			c.Subjects = []string{"English", "Mathematics", "Chinese Language", "Liberal Studies", "Visual Arts"}
			c.PlacesOffered = 30
		}},
		{"no phone", func(c *domain.ExpressInterest) { c.Contact.Phone = "" }},
		{"longest school name, in Chinese", func(c *domain.ExpressInterest) { c.SchoolName = chinese(200) }},
	}, func(c domain.ExpressInterest) []any { return []any{expressedAs(c)} })
}

func TestExpressingInterestRefusesMalformedDetails(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.ExpressInterest, interest, prospective, []invalid[domain.ExpressInterest]{
		{"no interest id", func(c *domain.ExpressInterest) { c.InterestID = "" }, "interestId", "required"},
		{"interest id not a UUID", func(c *domain.ExpressInterest) { c.InterestID = "KTLS-2027" }, "interestId", "uuid"},
		{"no school name", func(c *domain.ExpressInterest) { c.SchoolName = " " }, "schoolName", "required"},
		{"school name too long", func(c *domain.ExpressInterest) { c.SchoolName = chinese(201) }, "schoolName", "max_length"},
		{"no district", func(c *domain.ExpressInterest) { c.District = "" }, "district", "required"},
		{"no level", func(c *domain.ExpressInterest) { c.Level = "" }, "level", "one_of"},
		{"kindergarten", func(c *domain.ExpressInterest) { c.Level = "kindergarten" }, "level", "one_of"},
		{"level in capitals", func(c *domain.ExpressInterest) { c.Level = "Secondary" }, "level", "one_of"},
		{"no contact name", func(c *domain.ExpressInterest) { c.Contact.Name = "" }, "contact.name", "required"},
		{"no contact e-mail", func(c *domain.ExpressInterest) { c.Contact.Email = "" }, "contact.email", "required"},
		{"e-mail without a domain", func(c *domain.ExpressInterest) { c.Contact.Email = "ada.wong@" }, "contact.email", "email"},
		{"e-mail with a display name", func(c *domain.ExpressInterest) {
			c.Contact.Email = "Ada Wong <ada.wong@ktls.edu.hk>"
		}, "contact.email", "email"},
		{"no subjects", func(c *domain.ExpressInterest) { c.Subjects = nil }, "subjects", "count"},
		{"six subjects", func(c *domain.ExpressInterest) {
			c.Subjects = []string{"English", "Mathematics", "Chinese Language", "Liberal Studies", "Visual Arts", "Music"}
		}, "subjects", "count"},
		{"blank subject", func(c *domain.ExpressInterest) { c.Subjects[1] = " " }, "subjects[1]", "required"},
		{"no places", func(c *domain.ExpressInterest) { c.PlacesOffered = 0 }, "placesOffered", "range"},
		{"more places than a school hosts", func(c *domain.ExpressInterest) { c.PlacesOffered = 31 }, "placesOffered", "range"},
	})
}

// An accepted school is registered by the placement service, with a draft
// agreement for the subjects and places it offered, by a process that drops
// a command the placement service refuses. So the forum must refuse what
// placement's register-school and open-draft-agreement would: else the
// office accepts a school that never joins the partnership.
func TestInterestIsRefusedWhenPlacementCouldNotRegisterTheSchool(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.ExpressInterest, interest, prospective, []invalid[domain.ExpressInterest]{
		{"district too long", func(c *domain.ExpressInterest) { c.District = long(101) }, "district", "max_length"},
		{"contact name too long", func(c *domain.ExpressInterest) { c.Contact.Name = chinese(201) }, "contact.name", "max_length"},
		{"phone too long", func(c *domain.ExpressInterest) { c.Contact.Phone = long(51) }, "contact.phone", "max_length"},
		{"subject too long", func(c *domain.ExpressInterest) { c.Subjects[0] = long(101) }, "subjects[0]", "max_length"},
		{"a subject named twice", func(c *domain.ExpressInterest) { c.Subjects[2] = "english" }, "subjects[2]", "unique"},
	})
}

func TestInterestIsRecordedOnce(t *testing.T) {
	t.Parallel()
	c := interest()
	c.PlacesOffered = 8
	got, err := app.ExpressInterest.Run(expressed(t), c, office)
	thenRefused(t, got, err, errs.Conflict)
}

func TestTheOfficeAcceptsAnInterestForANewPartnerSchool(t *testing.T) {
	t.Parallel()
	got, err := app.ReviewInterest.Run(expressed(t), review(true), office)
	school := expressedAs(interest())
	thenEvents(t, got, err, forum.InterestReviewed{InterestID: interestID, Accepted: true, Reason: review(true).Reason,
		SchoolID: domain.SchoolIDFor(interestID), School: &school})
}

func TestADeclinedInterestNamesNoSchool(t *testing.T) {
	t.Parallel()
	got, err := app.ReviewInterest.Run(expressed(t), review(false), office)
	thenEvents(t, got, err, forum.InterestReviewed{InterestID: interestID, Accepted: false, Reason: review(false).Reason})
}

func TestOnlyTheOfficeReviewsInterest(t *testing.T) {
	t.Parallel()
	thenForbiddenTo(t, actorsBut(office), func(m decider.Meta) ([]any, error) {
		return app.ReviewInterest.Run(expressed(t), review(true), m)
	})
}

func TestReviewingRefusesMalformedDetails(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, expressed(t), app.ReviewInterest, func() domain.ReviewInterest { return review(true) }, office,
		[]invalid[domain.ReviewInterest]{
			{"no interest id", func(c *domain.ReviewInterest) { c.InterestID = "" }, "interestId", "required"},
			{"interest id not a UUID", func(c *domain.ReviewInterest) { c.InterestID = "KTLS-2027" }, "interestId", "uuid"},
			{"no reason", func(c *domain.ReviewInterest) { c.Reason = "" }, "reason", "required"},
			{"blank reason", func(c *domain.ReviewInterest) { c.Reason = "\t " }, "reason", "required"},
			{"reason too long", func(c *domain.ReviewInterest) { c.Reason = chinese(2001) }, "reason", "max_length"},
		})
}

func TestReviewingNeedsAnExpressedInterest(t *testing.T) {
	t.Parallel()
	got, err := app.ReviewInterest.Run(nil, review(true), office)
	thenRefused(t, got, err, errs.NotFound)
}

func TestAnInterestIsReviewedOnce(t *testing.T) {
	t.Parallel()
	for _, first := range []bool{true, false} {
		given := after(t, expressed(t), app.ReviewInterest, review(first), office)
		for _, second := range []bool{true, false} {
			got, err := app.ReviewInterest.Run(given, review(second), office)
			thenRefused(t, got, err, errs.Conflict)
		}
	}
}

func TestSchoolIDForIsOneSchoolPerInterest(t *testing.T) {
	t.Parallel()
	id := domain.SchoolIDFor(interestID)
	if _, err := uuid.Parse(id); err != nil {
		t.Fatalf("SchoolIDFor(%s) = %q, not a UUID: %v", interestID, id, err)
	}
	if again := domain.SchoolIDFor(interestID); again != id {
		t.Fatalf("SchoolIDFor(%s) = %s, then %s", interestID, id, again)
	}
	if other := domain.SchoolIDFor(otherInterestID); other == id {
		t.Fatalf("two interests name the same school %s", id)
	}
	if id == interestID {
		t.Fatal("the school is named by the interest's own id")
	}
}
