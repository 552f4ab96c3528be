package domain_test

import (
	"slices"
	"strings"
	"testing"

	"wsms/events/placement"
)

// A school whose examinations and holidays take more than the round's
// tolerance (5 days) of the practicum window, 14 February to 24 March 2028,
// is left out of the allocation: listed as ineligible, given no one, and
// named in the explanation of whoever preferred it (Lam ranks Sha Tin first).
func TestRunAllocationLeavesOutASchoolWhoseCalendarClashes(t *testing.T) {
	t.Parallel()
	day := func(from, to, name string) []placement.Period {
		return []placement.Period{{From: placement.Date(from), To: placement.Date(to), Name: name}}
	}
	cases := []struct {
		name            string
		exams, holidays []placement.Period
		ineligible      bool
	}{
		{"five days of examinations", day("2028-03-06", "2028-03-10", "Mid-year examinations"), nil, false},
		{"six days of examinations", day("2028-03-06", "2028-03-11", "Mid-year examinations"), nil, true},
		{"examinations and holidays together", day("2028-03-06", "2028-03-08", "Mid-year examinations"),
			day("2028-03-20", "2028-03-22", "School anniversary holidays"), true},
		{"overlapping days count once", day("2028-03-06", "2028-03-09", "Mid-year examinations"),
			day("2028-03-08", "2028-03-10", "Sports day holidays"), false},
		{"only the days inside the window count", day("2028-02-07", "2028-02-16", "Uniform test week"), nil, false},
		{"a period across the window's start", day("2028-02-08", "2028-02-19", "Mid-year examinations"), nil, true},
		{"a period across the window's end", day("2028-03-20", "2028-04-08", "Easter holidays"), nil, false},
		{"outside the window", day("2028-01-10", "2028-01-31", "Mid-year examinations"),
			day("2028-04-12", "2028-04-22", "Easter holidays"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := allocate(t, append(world(), calendarSet(shatinID, tc.exams, tc.holidays))...)
			i := slices.IndexFunc(a.IneligibleSchools, func(s placement.IneligibleSchool) bool { return s.SchoolID == shatinID })
			if !tc.ineligible {
				if i >= 0 || len(a.IneligibleSchools) != 0 {
					t.Fatalf("ineligible %#v, want none", a.IneligibleSchools)
				}
				if p, ok := roundAfter(roundOpened(), a).Placement(lamID); !ok || p.SchoolID != shatinID {
					t.Fatalf("lam is at %+v, want Sha Tin, her first choice", p)
				}
				return
			}
			if i < 0 || !strings.HasPrefix(a.IneligibleSchools[i].Reason, "calendar clash") {
				t.Fatalf("ineligible %#v, want Sha Tin for a calendar clash", a.IneligibleSchools)
			}
			nobodyAt(t, a, shatinID)
			why := notChosen(t, explanationOf(t, a, lamID), shatinID)
			if why.Rank != 1 || !strings.HasPrefix(why.Reason, "ineligible: calendar clash") {
				t.Fatalf("lam's first choice not chosen because %q (rank %d), want a calendar clash", why.Reason, why.Rank)
			}
		})
	}
}

// Only the calendar of the round's school year counts.
func TestRunAllocationIgnoresTheCalendarOfAnotherYear(t *testing.T) {
	t.Parallel()
	nextYear := calendarSet(shatinID, []placement.Period{{From: "2028-02-14", To: "2028-03-24", Name: "Whole window"}}, nil)
	nextYear.SchoolYear = 2028
	a := allocate(t, append(world(), nextYear)...)
	if len(a.IneligibleSchools) != 0 {
		t.Fatalf("ineligible %#v, want none", a.IneligibleSchools)
	}
}
