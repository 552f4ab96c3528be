package domain_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wsms/events/placement"
	"wsms/placement/app"
	"wsms/placement/domain"
	"wsms/platform/errs"
)

// allocate runs the allocation of the open round over the given records.
func allocate(t *testing.T, records ...any) placement.AllocationRecorded {
	t.Helper()
	got, err := app.RunAllocation.Run([]any{roundOpened()}, domain.RunAllocation{RoundID: roundID, Pool: poolOf(records...)}, office)
	if err != nil || len(got) != 1 {
		t.Fatalf("then %#v / %v, want one allocation", got, err)
	}
	return got[0].(placement.AllocationRecorded)
}

// explanationOf is a student-teacher's explanation in an allocation.
func explanationOf(t *testing.T, a placement.AllocationRecorded, studentID string) placement.Explanation {
	t.Helper()
	i := slices.IndexFunc(a.Explanations, func(x placement.Explanation) bool { return x.StudentID == studentID })
	if i < 0 {
		t.Fatalf("no explanation for %s in %#v", studentID, a.Explanations)
	}
	return a.Explanations[i]
}

// notChosen is why a student-teacher did not get a school they preferred.
func notChosen(t *testing.T, x placement.Explanation, schoolID string) placement.NotChosen {
	t.Helper()
	i := slices.IndexFunc(x.NotChosen, func(n placement.NotChosen) bool { return n.SchoolID == schoolID })
	if i < 0 {
		t.Fatalf("%s's explanation says nothing of %s: %#v", x.StudentID, schoolID, x.NotChosen)
	}
	return x.NotChosen[i]
}

// nobodyAt asserts that no one is placed at the school.
func nobodyAt(t *testing.T, a placement.AllocationRecorded, schoolID string) {
	t.Helper()
	for _, p := range a.Placements {
		if p.SchoolID == schoolID {
			t.Errorf("%s is placed at %s", p.StudentID, schoolID)
		}
	}
}

func TestRunAllocationGivesEveryoneTheirFirstChoice(t *testing.T) {
	t.Parallel()
	got, err := app.RunAllocation.Run([]any{roundOpened()}, domain.RunAllocation{RoundID: roundID, Pool: poolOf(world()...)}, office)
	explanations := []placement.Explanation{}
	for _, p := range firstChoices() {
		explanations = append(explanations, placement.Explanation{StudentID: p.StudentID, SchoolID: p.SchoolID, Rank: 1, NotChosen: []placement.NotChosen{}})
	}
	want := allocated()
	want.Explanations = explanations
	want.Summary = placement.AllocationSummary{Placed: 5, WorstRank: 1, RankCost: 5, TravelMinutes: 30 + 15 + 30 + 40 + 45}
	thenEvents(t, got, err, want)
}

// crowded is the world with four more student-teachers, so that English
// places run short and two are left out.
func crowded() []any {
	return append(world(),
		studentTeacher("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e06", "Tse Hiu Tung", "Wong Tai Sin", placement.Secondary, "English"),
		prefers("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e06", kwunTongID, clareID),
		studentTeacher("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e07", "Kwok Man Yee", "Yau Tsim Mong", placement.Secondary, "English", "Mathematics"),
		prefers("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e07", clareID),
		studentTeacher("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e08", "Fung Tsz Ching", "Tai Po", placement.Secondary, "English"),
		prefers("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e08", shatinID, clareID),
		studentTeacher("0193a3e2-7c1d-7b52-9f4e-2d5c8a6b5e09", "So Wing Kei", "Yuen Long", placement.Primary, "English"),
	)
}

func TestRunAllocationObeysTheRules(t *testing.T) {
	t.Parallel()
	for name, records := range map[string][]any{"world": world(), "crowded": crowded()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := allocate(t, records...)
			obeysTheRules(t, roundOpened(), records, a)
		})
	}
	if a := allocate(t, crowded()...); a.Summary.Placed != 8 || len(a.Unplaced) != 1 {
		t.Fatalf("crowded: %d placed, %d unplaced; want 8 and 1", a.Summary.Placed, len(a.Unplaced))
	}
}

// obeysTheRules checks an allocation against the round's hard rules, read
// from the records it was made from.
func obeysTheRules(t *testing.T, round placement.PlacementRoundOpened, records []any, a placement.AllocationRecorded) {
	t.Helper()
	offers := map[string]placement.PlacesOffered{}
	students := map[string]placement.StudentTeacherRegistered{}
	preferences := map[string][]string{}
	for _, e := range records {
		switch e := e.(type) {
		case placement.PlacesOffered:
			offers[e.SchoolID] = e
		case placement.StudentTeacherRegistered:
			students[e.StudentID] = e
		case placement.PreferencesSubmitted:
			preferences[e.StudentID] = e.SchoolIDs
		}
	}
	times := map[string]int{}
	atSchool, inSubject := map[string]int{}, map[string]int{}
	for _, p := range a.Placements {
		times[p.StudentID]++
		st, o := students[p.StudentID], offers[p.SchoolID]
		where := fmt.Sprintf("%s at %s in %s", st.Name, o.School.Name, p.Subject)
		minutes, ok := round.TravelMinutes[st.HomeDistrict][o.School.District]
		rank := slices.Index(preferences[p.StudentID], p.SchoolID) + 1
		if rank == 0 {
			rank = round.MaxPreferences + 1
		}
		switch {
		case o.School.Level != st.Level:
			t.Errorf("%s: level %s, school %s", where, st.Level, o.School.Level)
		case !slices.Contains(st.Subjects, p.Subject):
			t.Errorf("%s: not one of their subjects %q", where, st.Subjects)
		case !slices.ContainsFunc(o.Offers, func(op placement.OfferedPlaces) bool { return op.Subject == p.Subject && op.Places > 0 }):
			t.Errorf("%s: subject not offered", where)
		case slices.ContainsFunc(st.Conflicts, func(c placement.Conflict) bool { return c.SchoolID == p.SchoolID }):
			t.Errorf("%s: a conflict of interest", where)
		case !ok || minutes > round.MaxTravelMinutes || p.TravelMinutes != minutes:
			t.Errorf("%s: %d minutes recorded, %d by the table, limit %d", where, p.TravelMinutes, minutes, round.MaxTravelMinutes)
		case p.Rank != rank:
			t.Errorf("%s: rank %d, want %d", where, p.Rank, rank)
		}
		atSchool[p.SchoolID]++
		inSubject[p.SchoolID+"/"+p.Subject]++
	}
	for id, o := range offers {
		if atSchool[id] > o.Capacity {
			t.Errorf("%s hosts %d, capacity %d", o.School.Name, atSchool[id], o.Capacity)
		}
		for _, op := range o.Offers {
			if n := inSubject[id+"/"+op.Subject]; n > op.Places {
				t.Errorf("%s hosts %d in %s, %d places", o.School.Name, n, op.Subject, op.Places)
			}
		}
	}
	for _, u := range a.Unplaced {
		times[u.StudentID]++
		if u.Reason == "" {
			t.Errorf("%s is unplaced without a reason", u.StudentID)
		}
	}
	for id, st := range students {
		if times[id] != 1 {
			t.Errorf("%s is placed or unplaced %d times", st.Name, times[id])
		}
	}
	if a.Summary.Placed != len(a.Placements) || len(a.Explanations) != len(students) {
		t.Errorf("summary %+v and %d explanations for %d placements of %d students", a.Summary, len(a.Explanations), len(a.Placements), len(students))
	}
}

func TestRunAllocationExplainsASchoolThatWithdrew(t *testing.T) {
	t.Parallel()
	a := allocate(t, append(world(), placement.OfferWithdrawn{RoundID: roundID, SchoolID: shatinID, Reason: "School renovation"})...)
	nobodyAt(t, a, shatinID)
	why := notChosen(t, explanationOf(t, a, lamID), shatinID)
	if why.Rank != 1 || !strings.HasPrefix(why.Reason, "ineligible: ") || !strings.Contains(why.Reason, "withdrew") {
		t.Fatalf("lam's first choice not chosen because %q (rank %d), want that the school withdrew", why.Reason, why.Rank)
	}
}

// Subjects are one and the same whatever their case, as everywhere else in
// the domain ("English" and "english" are one subject twice in a list, and
// a mentor named for "English" mentors "english").
func TestRunAllocationMatchesSubjectsWhateverTheirCase(t *testing.T) {
	t.Parallel()
	a := allocate(t,
		clareRegistered, offered(clareRegistered, 2, places("English", 2, wongID)),
		studentTeacher(chanID, "Chan Siu Ming", "Wan Chai", placement.Secondary, "english"), prefers(chanID, clareID))
	if len(a.Placements) != 1 || a.Placements[0].SchoolID != clareID {
		t.Fatalf("placements %#v, unplaced %#v: want Chan at St. Clare's", a.Placements, a.Unplaced)
	}
}

func TestRunAllocationAgainReplacesTheLast(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), recorded(firstChoices()[:2])}
	got, err := app.RunAllocation.Run(given, domain.RunAllocation{RoundID: roundID, Pool: poolOf(world()...)}, office)
	if err != nil || len(got) != 1 {
		t.Fatalf("then %#v / %v, want a new allocation", got, err)
	}
	r := roundAfter(append(given, got...)...)
	for _, want := range firstChoices() {
		if p, ok := r.Placement(want.StudentID); !ok || p != want {
			t.Errorf("after the second run %s is at %+v, want %+v", want.StudentID, p, want)
		}
	}
}

func TestRunAllocationRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		roundID     string
	}{
		{"no round", errs.NotFound, "", "", nil, roundID},
		{"published", errs.Conflict, "", "", published(), roundID},
		{"round id not a UUID", errs.Validation, "roundId", "uuid", []any{roundOpened()}, "2027-28"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.RunAllocation.Run(tc.given, domain.RunAllocation{RoundID: tc.roundID, Pool: poolOf(world()...)}, office)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
}

// overriding is the office's command to place a student-teacher by hand in
// the world.
func overriding(studentID, schoolID, subject, exception string, extra ...any) domain.OverridePlacement {
	return domain.OverridePlacement{RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: subject,
		Reason: "Agreed with the school's principal", Exception: exception, Pool: poolOf(append(world(), extra...)...)}
}

// overridden is the event of a placement made by hand.
func overridden(p placement.Placement, exception string) placement.PlacementOverridden {
	return placement.PlacementOverridden{RoundID: roundID, StudentID: p.StudentID, SchoolID: p.SchoolID, Subject: p.Subject,
		Rank: p.Rank, TravelMinutes: p.TravelMinutes, Reason: "Agreed with the school's principal", Exception: exception}
}

// Each placement breaks exactly one hard rule: refused unless the office
// names that rule as the exception.
func TestOverridePlacementHoldsToTheHardRules(t *testing.T) {
	t.Parallel()
	sha := []any{
		calendarSet(shatinID, []placement.Period{{From: "2028-03-01", To: "2028-03-10", Name: "Mid-year examinations"}}, nil),
		offered(shatinRegistered, 2, places("English", 1), places("Mathematics", 1)),
	}
	cases := []struct {
		name, rule string
		want       placement.Placement
		extra      []any
	}{
		{"a primary student-teacher at a secondary school", "level mismatch", placedAt(yipID, clareID, "English", 11, 40), nil},
		{"a subject the school does not offer", "subject not offered", placedAt(hoID, clareID, "Mathematics", 11, 40), nil},
		{"a subject not the student-teacher's", "subject not offered", placedAt(chanID, kwunTongID, "Mathematics", 2, 40), nil},
		{"a school of conflict", "excluded", placedAt(makID, clareID, "English", 11, 30), nil},
		{"a journey of an hour", "travel over limit", placedAt(lamID, clareID, "English", 11, 60), nil},
		{"a subject's places all taken", "capacity", placedAt(lamID, kwunTongID, "English", 2, 45), nil},
		{"the school's capacity reached", "capacity", placedAt(hoID, shatinID, "Mathematics", 2, 45), nil},
		{"a school whose calendar clashes", "calendar clash", placedAt(hoID, shatinID, "Mathematics", 2, 45), sha},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			given := []any{roundOpened(), allocated()}
			w := tc.want
			got, err := app.OverridePlacement.Run(given, overriding(w.StudentID, w.SchoolID, w.Subject, "", tc.extra...), office)
			e := thenInvalid(t, got, err, "schoolId", "hard_rule")
			if !strings.Contains(e.Message, fmt.Sprintf("%q", tc.rule)) {
				t.Errorf("refusal %q does not name the rule %q", e.Message, tc.rule)
			}
			got, err = app.OverridePlacement.Run(given, overriding(w.StudentID, w.SchoolID, w.Subject, tc.rule, tc.extra...), office)
			thenEvents(t, got, err, overridden(w, tc.rule))
			if p, _ := roundAfter(append(given, got...)...).Placement(w.StudentID); p != w {
				t.Errorf("after the override %s is at %+v", w.StudentID, p)
			}
		})
	}
}

func TestOverridePlacementBreakingNoRule(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), recorded(slices.DeleteFunc(firstChoices(), func(p placement.Placement) bool { return p.StudentID == makID }),
		placement.Unplaced{StudentID: makID, Reason: "all eligible places taken by students whose displacement would cost more"})}
	want := placedAt(makID, kwunTongID, "English", 1, 40)
	got, err := app.OverridePlacement.Run(given, overriding(makID, kwunTongID, "English", ""), office)
	thenEvents(t, got, err, overridden(want, ""))

	got, err = app.OverridePlacement.Run(given, overriding(makID, kwunTongID, "English", "capacity"), office)
	thenInvalid(t, got, err, "exception", "unneeded")
}

func TestOverridePlacementWhereTheStudentTeacherIsIsNoChange(t *testing.T) {
	t.Parallel()
	got, err := app.OverridePlacement.Run([]any{roundOpened(), allocated()}, overriding(chanID, clareID, "English", ""), office)
	thenEvents(t, got, err)
}

// An exception waives one rule: every other must still hold. Chan's journey
// to Sha Tin is over the limit, and Sha Tin's one place is Lam's.
func TestOverridePlacementWaivesOnlyTheNamedRule(t *testing.T) {
	t.Parallel()
	got, err := app.OverridePlacement.Run([]any{roundOpened(), allocated()}, overriding(chanID, shatinID, "English", "travel over limit"), office)
	e := thenInvalid(t, got, err, "schoolId", "hard_rule")
	if !strings.Contains(e.Message, `"capacity"`) {
		t.Fatalf("refusal %q does not name the capacity rule", e.Message)
	}
}

// A school that withdrew its offer has no places to override into, and no
// exception (least of all "calendar clash") makes it offer them.
func TestOverridePlacementRefusesASchoolThatWithdrew(t *testing.T) {
	t.Parallel()
	given := []any{roundOpened(), recorded(slices.DeleteFunc(firstChoices(), func(p placement.Placement) bool { return p.StudentID == makID }))}
	withdrew := placement.OfferWithdrawn{RoundID: roundID, SchoolID: kwunTongID, Reason: "The English panel is short of teachers"}
	for _, exception := range []string{"", "calendar clash"} {
		t.Run("exception "+strconv.Quote(exception), func(t *testing.T) {
			t.Parallel()
			got, err := app.OverridePlacement.Run(given, overriding(makID, kwunTongID, "English", exception, withdrew), office)
			thenInvalid(t, got, err, "schoolId", "offered")
		})
	}
}

func TestOverridePlacementRefuses(t *testing.T) {
	t.Parallel()
	allocatedRound := []any{roundOpened(), allocated()}
	cases := []struct {
		name        string
		code        errs.Code
		field, rule string
		given       []any
		change      func(*domain.OverridePlacement)
	}{
		{"before an allocation", errs.Conflict, "", "", []any{roundOpened()}, func(*domain.OverridePlacement) {}},
		{"published", errs.Conflict, "", "", published(), func(*domain.OverridePlacement) {}},
		{"no round", errs.NotFound, "", "", nil, func(*domain.OverridePlacement) {}},
		{"student-teacher not registered", errs.NotFound, "", "", allocatedRound, func(c *domain.OverridePlacement) { c.StudentID = unknownStudentID }},
		{"school made no offer", errs.Validation, "schoolId", "offered", allocatedRound, func(c *domain.OverridePlacement) { c.SchoolID = unknownSchoolID }},
		{"no reason", errs.Validation, "reason", "required", allocatedRound, func(c *domain.OverridePlacement) { c.Reason = "" }},
		{"no subject", errs.Validation, "subject", "required", allocatedRound, func(c *domain.OverridePlacement) { c.Subject = "" }},
		{"unknown exception", errs.Validation, "exception", "one_of", allocatedRound, func(c *domain.OverridePlacement) { c.Exception = "principal's wish" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := overriding(lamID, kwunTongID, "English", "capacity")
			tc.change(&c)
			got, err := app.OverridePlacement.Run(tc.given, c, office)
			thenError(t, got, err, tc.code, tc.field, tc.rule)
		})
	}
	for who, m := range notOffice() {
		got, err := app.OverridePlacement.Run(allocatedRound, overriding(lamID, kwunTongID, "English", "capacity"), m)
		if e := errs.As(err); err == nil || e.Code != errs.Forbidden {
			t.Errorf("%s: then %#v / %v, want FORBIDDEN", who, got, err)
		}
	}
}
