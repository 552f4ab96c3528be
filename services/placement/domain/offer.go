package domain

import (
	"fmt"
	"slices"
	"strings"

	"wsms/events/placement"
	"wsms/platform/decider"
	"wsms/platform/errs"
)

// Offer is a school's offer of practicum places in one round.
type Offer struct {
	made, withdrawn bool
	last            placement.PlacesOffered
}

// OfferStreamPrefix is the start of every offer stream of a round.
func OfferStreamPrefix(roundID string) string { return "offer-" + roundID + "-" }

// OfferStream names the stream of a school's offer in a round.
func OfferStream(roundID, schoolID string) string { return OfferStreamPrefix(roundID) + schoolID }

// EvolveOffer applies one of an offer's events.
func EvolveOffer(o Offer, e any) Offer {
	switch e := e.(type) {
	case placement.PlacesOffered:
		o.made, o.withdrawn, o.last = true, false, e
	case placement.OfferWithdrawn:
		o.withdrawn = true
	}
	return o
}

// Current reports whether the offer stands (made and not withdrawn).
func (o Offer) Current() bool { return o.made && !o.withdrawn }

// OfferPlaces asks to offer (or change) a school's places in a round, per
// subject with the teacher-mentors named for each. Capacity caps the
// students hosted across subjects; it defaults to the sum of the places.
type OfferPlaces struct {
	RoundID  string                    `json:"roundId"`
	SchoolID string                    `json:"schoolId"`
	Offers   []placement.OfferedPlaces `json:"offers"`
	Capacity int                       `json:"capacity"`
	// Round and School are the records the offer is made in and for,
	// filled in before the decision.
	Round  Round  `json:"-"`
	School School `json:"-"`
}

// DecideOfferPlaces lets a school's coordinator (or the office) offer places
// until the offer deadline, noting where the offer departs from the
// school's partnership agreement.
func DecideOfferPlaces(o Offer, c OfferPlaces, m decider.Meta) ([]any, error) {
	if err := officeOrCoordinatorOf(m, c.SchoolID, "offers the school's places"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("schoolId", c.SchoolID)
	if len(c.Offers) == 0 || len(c.Offers) > 10 {
		v.Add(errs.Invalid("offers", "count", "must offer places in 1 to 10 subjects, not %d", len(c.Offers)))
	}
	total := 0
	seen := map[string]bool{}
	for i, off := range c.Offers {
		f := fmt.Sprintf("offers[%d]", i)
		v.Required(f+".subject", off.Subject)
		v.MaxLength(f+".subject", off.Subject, 100)
		if seen[strings.ToLower(off.Subject)] {
			v.Add(errs.Invalid(f+".subject", "unique", "%q is offered twice", off.Subject))
		}
		seen[strings.ToLower(off.Subject)] = true
		v.Range(f+".places", off.Places, 1, 20)
		total += off.Places
		for k, id := range off.MentorIDs {
			v.UUID(fmt.Sprintf("%s.mentorIds[%d]", f, k), id)
		}
	}
	c.Capacity = orDefault(c.Capacity, total)
	v.Range("capacity", c.Capacity, 1, max(total, 1))
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Round.acceptsOffers(c.RoundID, today(m)); err != nil {
		return nil, err
	}
	if err := c.School.mustBeRegistered(c.SchoolID); err != nil {
		return nil, err
	}
	year := c.Round.opened.SchoolYear
	if !c.School.InPartnership(year) {
		return nil, errs.Invalid("schoolId", "in_partnership", "the school has no partnership agreement in force for %d/%02d", year, (year+1)%100)
	}
	facts := c.School.Facts()
	if _, ok := c.Round.opened.TravelMinutes[facts.District]; !ok {
		return nil, errs.Invalid("schoolId", "travel_table", "the school's district %q is not in the round's travel table", facts.District)
	}
	for i, off := range c.Offers {
		for k, id := range off.MentorIDs {
			if _, ok := c.School.MentorFor(id, off.Subject); !ok {
				return nil, errs.Invalid(fmt.Sprintf("offers[%d].mentorIds[%d]", i, k), "teacher_mentor",
					"%s is not a teacher-mentor of the school for %s", id, off.Subject)
			}
		}
	}
	e := placement.PlacesOffered{RoundID: c.RoundID, SchoolID: c.SchoolID, School: facts, Offers: slices.Clone(c.Offers), Capacity: c.Capacity,
		Warnings: c.School.offerWarnings(year, c.Offers)}
	for i := range e.Offers {
		e.Offers[i].MentorIDs = nonNil(e.Offers[i].MentorIDs)
	}
	if o.Current() && sameOffer(o.last, e) {
		return nil, nil // the same offer again changes nothing
	}
	return []any{e}, nil
}

// offerWarnings notes where offers depart from the school's agreement: a
// total outside its yearly band, or no English place although the
// agreement prefers the English Key Learning Area.
func (s School) offerWarnings(year int, offers []placement.OfferedPlaces) []string {
	warnings := []string{}
	total := 0
	for _, o := range offers {
		total += o.Places
	}
	a := s.agreementFor(year)
	if total < a.minPlaces || total > a.maxPlaces {
		warnings = append(warnings, fmt.Sprintf("%d places are outside the agreement's band of %d to %d a year", total, a.minPlaces, a.maxPlaces))
	}
	if a.englishKLA && !slices.ContainsFunc(offers, func(o placement.OfferedPlaces) bool { return strings.EqualFold(o.Subject, "English") }) {
		warnings = append(warnings, "no English place, although the agreement gives the English Key Learning Area a strong preference")
	}
	return warnings
}

func sameOffer(a, b placement.PlacesOffered) bool {
	if a.Capacity != b.Capacity || a.School != b.School || len(a.Offers) != len(b.Offers) {
		return false
	}
	for i := range a.Offers {
		if a.Offers[i].Subject != b.Offers[i].Subject || a.Offers[i].Places != b.Offers[i].Places ||
			!slices.Equal(a.Offers[i].MentorIDs, b.Offers[i].MentorIDs) {
			return false
		}
	}
	return true
}

// WithdrawOffer asks to withdraw a school's offer before the offer deadline.
type WithdrawOffer struct {
	RoundID  string `json:"roundId"`
	SchoolID string `json:"schoolId"`
	Reason   string `json:"reason"`
	Round    Round  `json:"-"`
}

// DecideWithdrawOffer lets a school's coordinator (or the office) withdraw a
// standing offer until the offer deadline.
func DecideWithdrawOffer(o Offer, c WithdrawOffer, m decider.Meta) ([]any, error) {
	if err := officeOrCoordinatorOf(m, c.SchoolID, "withdraws the school's offer"); err != nil {
		return nil, err
	}
	var v errs.Check
	v.UUID("roundId", c.RoundID)
	v.UUID("schoolId", c.SchoolID)
	v.Required("reason", c.Reason)
	v.MaxLength("reason", c.Reason, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.Round.acceptsOffers(c.RoundID, today(m)); err != nil {
		return nil, err
	}
	if !o.Current() {
		return nil, errs.Newf(errs.NotFound, "the school has no standing offer in round %s", c.RoundID)
	}
	return []any{placement.OfferWithdrawn{RoundID: c.RoundID, SchoolID: c.SchoolID, Reason: c.Reason}}, nil
}
