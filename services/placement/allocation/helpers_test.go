package allocation_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"wsms/placement/allocation"
)

// The helpers below build small rounds and check results independently of
// the package's own code: they recompute eligibility, ranks and capacities
// from the Instance alone.

func offer(subject string, places int) allocation.Offer {
	return allocation.Offer{Subject: subject, Places: places}
}

func school(id string, level allocation.Level, district string, capacity int, offers ...allocation.Offer) allocation.School {
	return allocation.School{ID: id, Level: level, District: district, Capacity: capacity, Offers: offers}
}

func student(id string, level allocation.Level, district string, subjects []string, preferences ...string) allocation.Student {
	return allocation.Student{ID: id, Level: level, District: district, Subjects: subjects, Preferences: preferences}
}

// districts are 10 minutes apart within one, 30 between north and south,
// and 90 to and from far.
var districts = []string{"north", "south", "far"}

func travelTable() map[string]map[string]int {
	table := map[string]map[string]int{}
	for _, a := range districts {
		table[a] = map[string]int{}
		for _, b := range districts {
			switch {
			case a == b:
				table[a][b] = 10
			case a == "far" || b == "far":
				table[a][b] = 90
			default:
				table[a][b] = 30
			}
		}
	}
	return table
}

// newRound is a round of the given schools and students with up to three
// preferences and journeys of up to an hour.
func newRound(schools []allocation.School, students ...allocation.Student) allocation.Instance {
	return allocation.Instance{
		MaxPreferences:   3,
		MaxTravelMinutes: 60,
		Schools:          schools,
		Students:         students,
		TravelMinutes:    travelTable(),
	}
}

func solve(t *testing.T, in allocation.Instance) allocation.Result {
	t.Helper()
	res, err := allocation.Solve(in)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	checkResult(t, in, res)
	return res
}

func placementOf(res allocation.Result, studentID string) (allocation.Placement, bool) {
	for _, p := range res.Placements {
		if p.Student == studentID {
			return p, true
		}
	}
	return allocation.Placement{}, false
}

func explanationOf(res allocation.Result, studentID string) allocation.Explanation {
	for _, e := range res.Explanations {
		if e.Student == studentID {
			return e
		}
	}
	return allocation.Explanation{}
}

func unplacedReason(res allocation.Result, studentID string) string {
	for _, u := range res.Unplaced {
		if u.Student == studentID {
			return u.Reason
		}
	}
	return ""
}

// rules is the test's own reading of the eligibility rules.
type rules struct {
	in      allocation.Instance
	schools map[string]allocation.School
}

func newRules(in allocation.Instance) rules {
	r := rules{in: in, schools: map[string]allocation.School{}}
	for _, sc := range in.Schools {
		r.schools[sc.ID] = sc
	}
	return r
}

func places(sc allocation.School, subject string) int {
	for _, o := range sc.Offers {
		if o.Subject == subject {
			return o.Places
		}
	}
	return 0
}

// why is "" if st may go to sc in subject, or else the rule that forbids it.
func (r rules) why(st allocation.Student, sc allocation.School, subject string) string {
	switch {
	case st.Level != sc.Level:
		return "level mismatch"
	case !slices.Contains(st.Subjects, subject) || places(sc, subject) == 0 || sc.Capacity == 0:
		return "subject not offered"
	case slices.Contains(st.Excluded, sc.ID):
		return "excluded"
	case r.in.TravelMinutes[st.District][sc.District] > r.in.MaxTravelMinutes:
		return "travel over limit"
	}
	return ""
}

// eligibleSubjects are the subjects in which st may go to sc.
func (r rules) eligibleSubjects(st allocation.Student, sc allocation.School) []string {
	var subjects []string
	for _, j := range st.Subjects {
		if r.why(st, sc, j) == "" {
			subjects = append(subjects, j)
		}
	}
	return subjects
}

func (r rules) rank(st allocation.Student, schoolID string) int {
	if k := slices.Index(st.Preferences, schoolID); k >= 0 {
		return k + 1
	}
	return r.in.MaxPreferences + 1
}

// checkResult checks every hard rule, the summary and the explanations of a
// result against the round.
func checkResult(t *testing.T, in allocation.Instance, res allocation.Result) {
	t.Helper()
	r := newRules(in)
	students := map[string]allocation.Student{}
	var ids []string
	for _, st := range in.Students {
		students[st.ID] = st
		ids = append(ids, st.ID)
	}
	slices.Sort(ids)

	var seen []string
	offerLoad, schoolLoad := map[[2]string]int{}, map[string]int{}
	var sum allocation.Summary
	got := map[string]allocation.Placement{}
	for _, p := range res.Placements {
		st, sc := students[p.Student], r.schools[p.School]
		if why := r.why(st, sc, p.Subject); why != "" {
			t.Errorf("%s placed at %s in %s although %s", p.Student, p.School, p.Subject, why)
		}
		if want := r.rank(st, p.School); p.Rank != want {
			t.Errorf("%s at %s has rank %d, want %d", p.Student, p.School, p.Rank, want)
		}
		if want := in.TravelMinutes[st.District][sc.District]; p.TravelMinutes != want {
			t.Errorf("%s at %s travels %d minutes, want %d", p.Student, p.School, p.TravelMinutes, want)
		}
		offerLoad[[2]string{p.School, p.Subject}]++
		schoolLoad[p.School]++
		sum.Placed++
		sum.WorstRank = max(sum.WorstRank, p.Rank)
		sum.RankCost += int64(p.Rank * p.Rank)
		sum.TravelMinutes += int64(p.TravelMinutes)
		seen = append(seen, p.Student)
		got[p.Student] = p
	}
	for k, n := range offerLoad {
		if limit := places(r.schools[k[0]], k[1]); n > limit {
			t.Errorf("%s takes %d students in %s, has %d places", k[0], n, k[1], limit)
		}
	}
	for id, n := range schoolLoad {
		if n > r.schools[id].Capacity {
			t.Errorf("%s takes %d students, capacity %d", id, n, r.schools[id].Capacity)
		}
	}
	if sum != res.Summary {
		t.Errorf("summary %+v, placements add up to %+v", res.Summary, sum)
	}
	if !slices.IsSortedFunc(res.Placements, func(a, b allocation.Placement) int { return strings.Compare(a.Student, b.Student) }) {
		t.Error("placements not sorted by student")
	}

	for _, u := range res.Unplaced {
		seen = append(seen, u.Student)
		st := students[u.Student]
		eligibleSomewhere := false
		for _, sc := range in.Schools {
			eligibleSomewhere = eligibleSomewhere || len(r.eligibleSubjects(st, sc)) > 0
		}
		if eligibleSomewhere == strings.HasPrefix(u.Reason, "no eligible school") {
			t.Errorf("%s unplaced with reason %q, eligible somewhere: %v", u.Student, u.Reason, eligibleSomewhere)
		}
	}
	slices.Sort(seen)
	if !slices.Equal(seen, ids) {
		t.Errorf("placed and unplaced students %v, want each of %v once", seen, ids)
	}

	if len(res.Explanations) != len(ids) {
		t.Fatalf("%d explanations for %d students", len(res.Explanations), len(ids))
	}
	for k, e := range res.Explanations {
		if e.Student != ids[k] {
			t.Fatalf("explanation %d is for %s, want %s", k, e.Student, ids[k])
		}
		st := students[e.Student]
		p, placed := got[e.Student]
		better := st.Preferences
		if placed {
			if e.School != p.School || e.Rank != p.Rank {
				t.Errorf("%s explained as %s rank %d, placed at %s rank %d", e.Student, e.School, e.Rank, p.School, p.Rank)
			}
			better = st.Preferences[:min(p.Rank-1, len(st.Preferences))]
		} else if e.School != "" || e.Rank != 0 {
			t.Errorf("unplaced %s explained as placed at %q rank %d", e.Student, e.School, e.Rank)
		}
		if len(e.NotChosen) != len(better) {
			t.Errorf("%s: %d schools not chosen explained, want %d", e.Student, len(e.NotChosen), len(better))
			continue
		}
		for k, nc := range e.NotChosen {
			sc := r.schools[better[k]]
			if nc.School != sc.ID || nc.Rank != k+1 {
				t.Errorf("%s: not chosen %d is %s rank %d, want %s rank %d", e.Student, k, nc.School, nc.Rank, sc.ID, k+1)
			}
			eligible := r.eligibleSubjects(st, sc)
			if len(eligible) == 0 {
				if !strings.HasPrefix(nc.Reason, "ineligible: ") {
					t.Errorf("%s: %s is ineligible, explained %q", e.Student, sc.ID, nc.Reason)
				}
				continue
			}
			if !strings.HasPrefix(nc.Reason, "full: ") {
				t.Errorf("%s: %s is eligible, explained %q", e.Student, sc.ID, nc.Reason)
			}
			for _, j := range eligible {
				if offerLoad[[2]string{sc.ID, j}] < places(sc, j) && schoolLoad[sc.ID] < sc.Capacity {
					t.Errorf("%s: %s explained full but has a free place in %s", e.Student, sc.ID, j)
				}
			}
		}
	}
}

func objective(s allocation.Summary) string {
	return fmt.Sprintf("placed %d, worst rank %d, rank cost %d, travel %d", s.Placed, s.WorstRank, s.RankCost, s.TravelMinutes)
}
