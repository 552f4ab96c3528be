package domain_test

import (
	"testing"

	"wsms/events"
	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/errs"
)

// signing is the office's command to sign a 2027/28 agreement for St.
// Clare's, leaving the term and the band of places to their defaults.
func signing() domain.SignPartnershipAgreement {
	return domain.SignPartnershipAgreement{SchoolID: clareID, AgreementID: agreementID, FirstSchoolYear: 2027,
		CoreSubjects: []string{"English", "Mathematics", "Chinese"}, EnglishKLA: true}
}

func TestSignPartnershipAgreementDefaultsToThreeYearsOfSixToEightPlaces(t *testing.T) {
	t.Parallel()
	got, err := app.SignPartnershipAgreement.Run([]any{clareRegistered}, signing(), office)
	thenEvents(t, got, err, placement.PartnershipAgreementSigned{SchoolID: clareID, AgreementID: agreementID, FirstSchoolYear: 2027,
		Years: 3, CoreSubjects: []string{"English", "Mathematics", "Chinese"}, MinPlaces: 6, MaxPlaces: 8, EnglishKLA: true})

	s := fold(domain.EvolveSchool, clareRegistered, got[0])
	for year, want := range map[int]bool{2026: false, 2027: true, 2029: true, 2030: false} {
		if s.InPartnership(year) != want {
			t.Errorf("in partnership in %d: %v, want %v", year, !want, want)
		}
	}
}

func TestSignPartnershipAgreementKeepsAGivenTermAndBand(t *testing.T) {
	t.Parallel()
	c := signing()
	c.Years, c.MinPlaces, c.MaxPlaces, c.CoreSubjects = 2, 4, 5, []string{"English", "Liberal Studies"}
	got, err := app.SignPartnershipAgreement.Run([]any{clareRegistered}, c, office)
	thenEvents(t, got, err, placement.PartnershipAgreementSigned{SchoolID: clareID, AgreementID: agreementID, FirstSchoolYear: 2027,
		Years: 2, CoreSubjects: []string{"English", "Liberal Studies"}, MinPlaces: 4, MaxPlaces: 5, EnglishKLA: true})
}

func TestSignPartnershipAgreementRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, rule string
		change            func(*domain.SignPartnershipAgreement)
	}{
		{"agreement id not a UUID", "agreementId", "uuid", func(c *domain.SignPartnershipAgreement) { c.AgreementID = "AGR-2027-01" }},
		{"first year unknown", "firstSchoolYear", "range", func(c *domain.SignPartnershipAgreement) { c.FirstSchoolYear = 0 }},
		{"term too long", "years", "range", func(c *domain.SignPartnershipAgreement) { c.Years = 6 }},
		{"one core subject", "coreSubjects", "count", func(c *domain.SignPartnershipAgreement) { c.CoreSubjects = []string{"English"} }},
		{"four core subjects", "coreSubjects", "count", func(c *domain.SignPartnershipAgreement) {
			c.CoreSubjects = []string{"English", "Mathematics", "Chinese", "Science"}
		}},
		{"a core subject twice", "coreSubjects[1]", "unique", func(c *domain.SignPartnershipAgreement) { c.CoreSubjects = []string{"English", "english"} }},
		{"a blank core subject", "coreSubjects[1]", "required", func(c *domain.SignPartnershipAgreement) { c.CoreSubjects = []string{"English", " "} }},
		{"no places", "minPlaces", "range", func(c *domain.SignPartnershipAgreement) { c.MinPlaces = -1 }},
		{"band upside down", "maxPlaces", "range", func(c *domain.SignPartnershipAgreement) { c.MinPlaces, c.MaxPlaces = 8, 6 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := signing()
			tc.change(&c)
			got, err := app.SignPartnershipAgreement.Run([]any{clareRegistered}, c, office)
			thenInvalid(t, got, err, tc.field, tc.rule)
		})
	}
}

func TestSignPartnershipAgreementConflictsWithAnAgreementInForce(t *testing.T) {
	t.Parallel()
	// given an agreement for 2026/27 to 2028/29, a new one from 2027/28 overlaps it.
	got, err := app.SignPartnershipAgreement.Run([]any{clareRegistered, agreed(clareID, 2026)}, signing(), office)
	thenRefused(t, got, err, errs.Conflict)
}

func TestSignPartnershipAgreementAfterTheLastOneEnded(t *testing.T) {
	t.Parallel()
	cases := map[string][]any{
		"term over": {clareRegistered, agreed(clareID, 2024)},
		"ended early": {clareRegistered, agreed(clareID, 2026),
			placement.PartnershipAgreementEnded{SchoolID: clareID, AgreementID: agreementID, EndedOn: "2027-06-30", Reason: "The school merged"}},
	}
	for name, given := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.SignPartnershipAgreement.Run(given, signing(), office)
			if err != nil || len(got) != 1 {
				t.Fatalf("then %#v / %v, want the agreement signed", got, err)
			}
			if s := fold(domain.EvolveSchool, append(given, got...)...); !s.InPartnership(2027) {
				t.Fatal("the new agreement is not in force for 2027/28")
			}
		})
	}
}

func TestSignPartnershipAgreementNeedsARegisteredSchool(t *testing.T) {
	t.Parallel()
	got, err := app.SignPartnershipAgreement.Run(nil, signing(), office)
	thenRefused(t, got, err, errs.NotFound)
}

func TestOnlyTheOfficeManagesAgreements(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, agreed(clareID, 2026)}
	for who, m := range notOffice() {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			got, err := app.SignPartnershipAgreement.Run([]any{clareRegistered}, signing(), m)
			thenRefused(t, got, err, errs.Forbidden)
			got, err = app.RenewPartnershipAgreement.Run(given, domain.RenewPartnershipAgreement{SchoolID: clareID}, m)
			thenRefused(t, got, err, errs.Forbidden)
			got, err = app.EndPartnershipAgreement.Run(given, domain.EndPartnershipAgreement{SchoolID: clareID, EndedOn: "2027-06-30", Reason: "Merged"}, m)
			thenRefused(t, got, err, errs.Forbidden)
		})
	}
}

func TestRenewPartnershipAgreementFromTheEndOfTheCurrentTerm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		years     int
		wantYears int
	}{{"default term", 0, 3}, {"two more years", 2, 2}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			given := []any{clareRegistered, agreed(clareID, 2026)}
			got, err := app.RenewPartnershipAgreement.Run(given, domain.RenewPartnershipAgreement{SchoolID: clareID, Years: tc.years}, office)
			thenEvents(t, got, err, placement.PartnershipAgreementRenewed{SchoolID: clareID, AgreementID: agreementID,
				FirstSchoolYear: 2029, Years: tc.wantYears})
			s := fold(domain.EvolveSchool, append(given, got...)...)
			last := 2028 + tc.wantYears
			if !s.InPartnership(last) || s.InPartnership(last+1) {
				t.Fatalf("after renewal the agreement should run to %d/%02d exactly", last, (last+1)%100)
			}
		})
	}
}

func TestRenewPartnershipAgreementNeedsOneInForce(t *testing.T) {
	t.Parallel()
	cases := map[string][]any{
		"never signed": {clareRegistered},
		"ended": {clareRegistered, agreed(clareID, 2026),
			placement.PartnershipAgreementEnded{SchoolID: clareID, AgreementID: agreementID, EndedOn: "2027-06-30", Reason: "The school merged"}},
	}
	for name, given := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RenewPartnershipAgreement.Run(given, domain.RenewPartnershipAgreement{SchoolID: clareID}, office)
			thenRefused(t, got, err, errs.Conflict)
		})
	}
}

func TestRenewPartnershipAgreementRefusesBadInput(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, agreed(clareID, 2026)}
	got, err := app.RenewPartnershipAgreement.Run(given, domain.RenewPartnershipAgreement{SchoolID: clareID, Years: 6}, office)
	thenInvalid(t, got, err, "years", "range")
	got, err = app.RenewPartnershipAgreement.Run(nil, domain.RenewPartnershipAgreement{SchoolID: clareID}, office)
	thenRefused(t, got, err, errs.NotFound)
}

func TestEndPartnershipAgreement(t *testing.T) {
	t.Parallel()
	given := []any{clareRegistered, agreed(clareID, 2026)}
	c := domain.EndPartnershipAgreement{SchoolID: clareID, EndedOn: "2027-06-30", Reason: "The school merged with another"}
	got, err := app.EndPartnershipAgreement.Run(given, c, office)
	thenEvents(t, got, err, placement.PartnershipAgreementEnded{SchoolID: clareID, AgreementID: agreementID, EndedOn: "2027-06-30",
		Reason: "The school merged with another"})
	if s := fold(domain.EvolveSchool, append(given, got...)...); s.InPartnership(2027) {
		t.Fatal("an ended agreement is still in force")
	}
}

func TestEndPartnershipAgreementRefuses(t *testing.T) {
	t.Parallel()
	inForce := []any{clareRegistered, agreed(clareID, 2026)}
	ended := append(inForce[:2:2], placement.PartnershipAgreementEnded{SchoolID: clareID, AgreementID: agreementID, EndedOn: "2027-06-30", Reason: "Merged"})
	valid := domain.EndPartnershipAgreement{SchoolID: clareID, EndedOn: "2027-06-30", Reason: "The school merged with another"}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		change      func(*domain.EndPartnershipAgreement)
	}{
		{"no reason", errs.Validation, "reason", "required", inForce, func(c *domain.EndPartnershipAgreement) { c.Reason = "  " }},
		{"reason too long", errs.Validation, "reason", "max_length", inForce, func(c *domain.EndPartnershipAgreement) { c.Reason = string(make([]byte, 1001)) }},
		{"no date", errs.Validation, "endedOn", "date", inForce, func(c *domain.EndPartnershipAgreement) { c.EndedOn = "" }},
		{"not a date", errs.Validation, "endedOn", "date", inForce, func(c *domain.EndPartnershipAgreement) { c.EndedOn = "2027-02-30" }},
		{"not a day", errs.Validation, "endedOn", "date", inForce, func(c *domain.EndPartnershipAgreement) { c.EndedOn = "30/06/2027" }},
		{"no agreement", errs.Conflict, "", "", []any{clareRegistered}, func(*domain.EndPartnershipAgreement) {}},
		{"ended already", errs.Conflict, "", "", ended, func(*domain.EndPartnershipAgreement) {}},
		{"unregistered school", errs.NotFound, "", "", nil, func(*domain.EndPartnershipAgreement) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := valid
			tc.change(&c)
			got, err := app.EndPartnershipAgreement.Run(tc.given, c, office)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// A draft agreement, opened on the school's behalf and not yet signed by
// it, is not in force: it can no more be ended than renewed.
func TestEndPartnershipAgreementRefusesADraft(t *testing.T) {
	t.Parallel()
	draft := agreed(clareID, 2027)
	draft.Draft = true
	given := []any{clareRegistered, draft}
	got, err := app.RenewPartnershipAgreement.Run(given, domain.RenewPartnershipAgreement{SchoolID: clareID}, office)
	thenRefused(t, got, err, errs.Conflict)
	got, err = app.EndPartnershipAgreement.Run(given, domain.EndPartnershipAgreement{SchoolID: clareID, EndedOn: "2027-06-30", Reason: "The school did not sign"}, office)
	thenRefused(t, got, err, errs.Conflict)
}

// TestAgreementYearsSurviveTheNextAgreementAndAnEndDate checks the school
// years a school is in partnership: an agreement signed in advance for the
// following term keeps the current one's years, and an agreement ended on a
// date keeps the school years that began before it.
func TestAgreementYearsSurviveTheNextAgreementAndAnEndDate(t *testing.T) {
	t.Parallel()
	first := placement.PartnershipAgreementSigned{SchoolID: clare.SchoolID, AgreementID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2b01",
		FirstSchoolYear: 2025, Years: 3, CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8}
	next := first
	next.AgreementID, next.FirstSchoolYear = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2b02", 2028
	s := fold(domain.EvolveSchool, clareRegistered, first, next)
	for year, want := range map[int]bool{2024: false, 2025: true, 2027: true, 2028: true, 2030: true, 2031: false} {
		if got := s.InPartnership(year); got != want {
			t.Errorf("with the next agreement signed in advance, %d in partnership = %t, want %t", year, got, want)
		}
	}
	ended := fold(domain.EvolveSchool, clareRegistered, first,
		placement.PartnershipAgreementEnded{SchoolID: clare.SchoolID, AgreementID: first.AgreementID, EndedOn: "2026-12-31", Reason: "Merged"})
	for year, want := range map[int]bool{2025: true, 2026: true, 2027: false} {
		if got := ended.InPartnership(year); got != want {
			t.Errorf("ended on 2026-12-31, %d in partnership = %t, want %t", year, got, want)
		}
	}
}

// TestDraftAgreementAfterALapsedOne opens a draft for a school whose last
// agreement ran out: the forum's newly accepted schools include old partners.
func TestDraftAgreementAfterALapsedOne(t *testing.T) {
	t.Parallel()
	lapsed := placement.PartnershipAgreementSigned{SchoolID: clare.SchoolID, AgreementID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2c01",
		FirstSchoolYear: 2020, Years: 3, CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8}
	system := as(events.RoleSystem, "process:placement-schools-from-interest", "")
	got, err := app.OpenDraftAgreement.Run([]any{clareRegistered, lapsed}, domain.OpenDraftAgreement{SchoolID: clare.SchoolID,
		AgreementID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2c02", FirstSchoolYear: 2028, Subjects: []string{"English"}, PlacesPerYear: 6}, system)
	if err != nil || len(got) != 1 || !got[0].(placement.PartnershipAgreementSigned).Draft {
		t.Fatalf("then %#v / %v, want a draft agreement", got, err)
	}
}

// TestEndingAPartnershipEndsTheAgreementSignedInAdvanceToo ends the
// partnership of a school that has already signed its next agreement: both
// end, and the years from the end on are out of the partnership.
func TestEndingAPartnershipEndsTheAgreementSignedInAdvanceToo(t *testing.T) {
	t.Parallel()
	current := placement.PartnershipAgreementSigned{SchoolID: clare.SchoolID, AgreementID: "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2d01",
		FirstSchoolYear: 2025, Years: 3, CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8}
	next := current
	next.AgreementID, next.FirstSchoolYear = "0193a3e2-7c1d-7b52-9f4e-2d5c8a6b2d02", 2028
	given := []any{clareRegistered, current, next}
	got, err := app.EndPartnershipAgreement.Run(given, domain.EndPartnershipAgreement{SchoolID: clare.SchoolID, EndedOn: "2026-12-31", Reason: "Merged"}, office)
	thenEvents(t, got, err,
		placement.PartnershipAgreementEnded{SchoolID: clare.SchoolID, AgreementID: current.AgreementID, EndedOn: "2026-12-31", Reason: "Merged"},
		placement.PartnershipAgreementEnded{SchoolID: clare.SchoolID, AgreementID: next.AgreementID, EndedOn: "2026-12-31", Reason: "Merged"})
	s := fold(domain.EvolveSchool, append(given, got...)...)
	for year, want := range map[int]bool{2025: true, 2026: true, 2027: false, 2028: false} {
		if got := s.InPartnership(year); got != want {
			t.Errorf("%d in partnership = %t, want %t", year, got, want)
		}
	}
}
