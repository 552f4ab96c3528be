package domain_test

import (
	"strings"
	"testing"
	"time"

	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// offering is St. Clare's offer in the open round, as the school stands:
// in partnership for 2026/27 to 2028/29, with Wong mentoring English and
// Chow Mathematics.
func offering(offers ...placement.OfferedPlaces) domain.OfferPlaces {
	return domain.OfferPlaces{RoundID: roundID, SchoolID: clareID, Offers: offers,
		Round: roundAfter(roundOpened()), School: fold(domain.EvolveSchool, clarePartner()...)}
}

// clareOffered is the event of St. Clare's offer with its warnings.
func clareOffered(capacity int, warnings []string, offers ...placement.OfferedPlaces) placement.PlacesOffered {
	e := offered(clareRegistered, capacity, offers...)
	e.Warnings = warnings
	return e
}

func TestOfferPlacesWithinTheAgreement(t *testing.T) {
	t.Parallel()
	for who, m := range map[string]decider.Meta{"office": office, "coordinator": clareCoordinator} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.OfferPlaces.Run(nil, offering(places("English", 4, wongID), places("Mathematics", 3, chowID)), m)
			thenEvents(t, got, err, clareOffered(7, []string{}, places("English", 4, wongID), places("Mathematics", 3, chowID)))
		})
	}
}

func TestOfferPlacesWithAGivenCapacityAndNoMentorsYet(t *testing.T) {
	t.Parallel()
	c := offering(places("English", 4), places("Mathematics", 3))
	c.Capacity = 6
	got, err := app.OfferPlaces.Run(nil, c, clareCoordinator)
	thenEvents(t, got, err, clareOffered(6, []string{}, places("English", 4), places("Mathematics", 3)))
}

func TestOfferPlacesWarnsWhereTheOfferDepartsFromTheAgreement(t *testing.T) {
	t.Parallel()
	englishKLA := clarePartner()
	a := agreed(clareID, 2026)
	a.EnglishKLA = true
	englishKLA[1] = a
	cases := []struct {
		name   string
		school []any
		offers []placement.OfferedPlaces
		want   []string
	}{
		{"below the band", clarePartner(), []placement.OfferedPlaces{places("English", 5)}, []string{"5 places are outside the agreement's band of 6 to 8"}},
		{"above the band", clarePartner(), []placement.OfferedPlaces{places("English", 5), places("Mathematics", 4)}, []string{"9 places are outside the agreement's band of 6 to 8"}},
		{"no English place", englishKLA, []placement.OfferedPlaces{places("Mathematics", 6)}, []string{"no English place"}},
		{"both", englishKLA, []placement.OfferedPlaces{places("Mathematics", 2)}, []string{"2 places are outside", "no English place"}},
		{"English whatever its case", englishKLA, []placement.OfferedPlaces{places("english", 6)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := offering(tc.offers...)
			c.School = fold(domain.EvolveSchool, tc.school...)
			got, err := app.OfferPlaces.Run(nil, c, clareCoordinator)
			if err != nil || len(got) != 1 {
				t.Fatalf("then %#v / %v, want the offer recorded", got, err)
			}
			warnings := got[0].(placement.PlacesOffered).Warnings
			if len(warnings) != len(tc.want) {
				t.Fatalf("warnings %q, want %d of them", warnings, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d is %q, want it to say %q", i, warnings[i], w)
				}
			}
		})
	}
}

func TestOfferPlacesTheSameOfferTwiceIsNoChange(t *testing.T) {
	t.Parallel()
	given := []any{clareOffered(7, []string{}, places("English", 4, wongID), places("Mathematics", 3))}
	got, err := app.OfferPlaces.Run(given, offering(places("English", 4, wongID), places("Mathematics", 3)), clareCoordinator)
	thenEvents(t, got, err)
}

func TestOfferPlacesChangedOrAfterAWithdrawalIsRecorded(t *testing.T) {
	t.Parallel()
	first := clareOffered(7, []string{}, places("English", 4, wongID), places("Mathematics", 3))
	cases := map[string]struct {
		given  []any
		offers []placement.OfferedPlaces
	}{
		"more places":     {[]any{first}, []placement.OfferedPlaces{places("English", 5, wongID), places("Mathematics", 3)}},
		"another mentor":  {[]any{first}, []placement.OfferedPlaces{places("English", 4, wongID), places("Mathematics", 3, chowID)}},
		"after withdrawn": {[]any{first, placement.OfferWithdrawn{RoundID: roundID, SchoolID: clareID, Reason: "Renovation"}}, first.Offers},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			offers, total := make([]placement.OfferedPlaces, len(tc.offers)), 0
			for i, o := range tc.offers {
				offers[i] = places(o.Subject, o.Places, o.MentorIDs...)
				total += o.Places
			}
			got, err := app.OfferPlaces.Run(tc.given, offering(offers...), clareCoordinator)
			thenEvents(t, got, err, clareOffered(total, []string{}, offers...))
			if o := fold(domain.EvolveOffer, append(tc.given, got...)...); !o.Current() {
				t.Fatal("the offer does not stand")
			}
		})
	}
}

func TestOfferPlacesUpToTheDeadlineDay(t *testing.T) {
	t.Parallel()
	m := on(clareCoordinator, time.Date(2027, 11, 30, 17, 0, 0, 0, hkt))
	got, err := app.OfferPlaces.Run(nil, offering(places("English", 6, wongID)), m)
	thenEvents(t, got, err, clareOffered(6, []string{}, places("English", 6, wongID)))
}

// The deadline is a day in Hong Kong, where schools and the office are: at
// seven in the morning of 1 December it has passed, although it is still 30
// November in UTC.
func TestOfferPlacesAfterTheDeadlineInHongKongConflicts(t *testing.T) {
	t.Parallel()
	m := on(clareCoordinator, time.Date(2027, 12, 1, 7, 0, 0, 0, hkt))
	got, err := app.OfferPlaces.Run(nil, offering(places("English", 6, wongID)), m)
	thenRefused(t, got, err, errs.Conflict)
}

func TestOfferPlacesRefuses(t *testing.T) {
	t.Parallel()
	ownTable := roundOpened()
	ownTable.TravelMinutes = map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tai Po": 20}, "Tai Po": {"Sha Tin": 20, "Tai Po": 10}}
	ended := append(clarePartner(), placement.PartnershipAgreementEnded{SchoolID: clareID, AgreementID: agreementID,
		EndedOn: "2027-06-30", Reason: "The school merged"})
	expired := clarePartner()
	expired[1] = agreed(clareID, 2023)
	notYet := clarePartner()
	notYet[1] = agreed(clareID, 2028)
	withSchool := func(given []any) func(*domain.OfferPlaces) {
		return func(c *domain.OfferPlaces) { c.School = fold(domain.EvolveSchool, given...) }
	}
	withRound := func(given ...any) func(*domain.OfferPlaces) {
		return func(c *domain.OfferPlaces) { c.Round = roundAfter(given...) }
	}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		meta        decider.Meta
		change      func(*domain.OfferPlaces)
	}{
		{"after the deadline", errs.Conflict, "", "", on(clareCoordinator, time.Date(2027, 12, 1, 10, 0, 0, 0, hkt)), func(*domain.OfferPlaces) {}},
		{"allocation published", errs.Conflict, "", "", clareCoordinator, withRound(published()...)},
		{"no round", errs.NotFound, "", "", clareCoordinator, withRound()},
		{"unregistered school", errs.NotFound, "", "", office, withSchool(nil)},
		{"no agreement", errs.Validation, "schoolId", "in_partnership", clareCoordinator, withSchool([]any{clareRegistered})},
		{"agreement ended", errs.Validation, "schoolId", "in_partnership", clareCoordinator, withSchool(ended)},
		{"agreement expired", errs.Validation, "schoolId", "in_partnership", clareCoordinator, withSchool(expired)},
		{"agreement from a later year", errs.Validation, "schoolId", "in_partnership", clareCoordinator, withSchool(notYet)},
		{"district not in the travel table", errs.Validation, "schoolId", "travel_table", clareCoordinator, withRound(ownTable)},
		{"mentor for another subject", errs.Validation, "offers[1].mentorIds[0]", "teacher_mentor", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 3, wongID), places("Mathematics", 3, wongID)}
		}},
		{"a teacher who is no mentor", errs.Validation, "offers[0].mentorIds[1]", "teacher_mentor", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 6, wongID, leeID)}
		}},
		{"a teacher of no school", errs.Validation, "offers[0].mentorIds[0]", "teacher_mentor", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 6, unknownStudentID)}
		}},
		{"mentor id not a UUID", errs.Validation, "offers[0].mentorIds[0]", "uuid", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 6, "wong")}
		}},
		{"no offer", errs.Validation, "offers", "count", clareCoordinator, func(c *domain.OfferPlaces) { c.Offers = nil }},
		{"no places", errs.Validation, "offers[0].places", "range", clareCoordinator, func(c *domain.OfferPlaces) { c.Offers[0].Places = 0 }},
		{"a subject twice", errs.Validation, "offers[1].subject", "unique", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 3), places("ENGLISH", 3)}
		}},
		{"no subject", errs.Validation, "offers[1].subject", "required", clareCoordinator, func(c *domain.OfferPlaces) {
			c.Offers = []placement.OfferedPlaces{places("English", 3), places(" ", 3)}
		}},
		{"capacity above the places", errs.Validation, "capacity", "range", clareCoordinator, func(c *domain.OfferPlaces) { c.Capacity = 7 }},
		{"another school's coordinator", errs.Forbidden, "", "", shatinCoordinator, func(*domain.OfferPlaces) {}},
		{"a student-teacher", errs.Forbidden, "", "", chanHimself, func(*domain.OfferPlaces) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := offering(places("English", 6, wongID))
			tc.change(&c)
			got, err := app.OfferPlaces.Run(nil, c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// withdrawing is St. Clare's coordinator withdrawing its offer in the open round.
func withdrawing() domain.WithdrawOffer {
	return domain.WithdrawOffer{RoundID: roundID, SchoolID: clareID, Reason: "The English panel is short of teachers this year",
		Round: roundAfter(roundOpened())}
}

func TestWithdrawOffer(t *testing.T) {
	t.Parallel()
	given := []any{clareOffered(6, []string{}, places("English", 6, wongID))}
	got, err := app.WithdrawOffer.Run(given, withdrawing(), clareCoordinator)
	thenEvents(t, got, err, placement.OfferWithdrawn{RoundID: roundID, SchoolID: clareID, Reason: "The English panel is short of teachers this year"})
	if o := fold(domain.EvolveOffer, append(given, got...)...); o.Current() {
		t.Fatal("a withdrawn offer still stands")
	}
}

func TestWithdrawOfferRefuses(t *testing.T) {
	t.Parallel()
	standing := []any{clareOffered(6, []string{}, places("English", 6, wongID))}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		meta        decider.Meta
		change      func(*domain.WithdrawOffer)
	}{
		{"no offer", errs.NotFound, "", "", nil, clareCoordinator, func(*domain.WithdrawOffer) {}},
		{"withdrawn already", errs.NotFound, "", "", append(standing[:1:1], placement.OfferWithdrawn{RoundID: roundID, SchoolID: clareID, Reason: "Renovation"}),
			clareCoordinator, func(*domain.WithdrawOffer) {}},
		{"after the deadline", errs.Conflict, "", "", standing, on(clareCoordinator, time.Date(2027, 12, 2, 9, 0, 0, 0, hkt)), func(*domain.WithdrawOffer) {}},
		{"allocation published", errs.Conflict, "", "", standing, clareCoordinator, func(c *domain.WithdrawOffer) { c.Round = roundAfter(published()...) }},
		{"no reason", errs.Validation, "reason", "required", standing, clareCoordinator, func(c *domain.WithdrawOffer) { c.Reason = "" }},
		{"another school's coordinator", errs.Forbidden, "", "", standing, shatinCoordinator, func(*domain.WithdrawOffer) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := withdrawing()
			tc.change(&c)
			got, err := app.WithdrawOffer.Run(tc.given, c, tc.meta)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}
