package allocation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// round is a validated Instance in the form the solver works on: ids replaced
// by positions, and schools and students sorted by id, so that the answer does
// not depend on the order of the records.
type round struct {
	maxPreferences int
	maxTravel      int
	schools        []school
	students       []student
	subjects       []string // sorted; a subject is its position here
	districts      []string // sorted; a district is its position here
	travel         map[districtPair]int
}

type districtPair struct{ from, to int32 }

type school struct {
	id       string
	level    Level
	district int32
	capacity int
	offers   []schoolOffer // sorted by subject
}

type schoolOffer struct {
	subject int32
	places  int
}

type student struct {
	id          string
	level       Level
	district    int32
	subjects    []int32 // sorted
	preferences []int32 // schools, best first
	excluded    []int32 // schools, sorted
}

// newRound compiles a validated instance.
func newRound(in Instance) *round {
	r := &round{
		maxPreferences: in.MaxPreferences,
		maxTravel:      in.MaxTravelMinutes,
		travel:         make(map[districtPair]int),
	}
	subjects, districts := map[string]bool{}, map[string]bool{}
	for _, sc := range in.Schools {
		districts[sc.District] = true
		for _, o := range sc.Offers {
			subjects[o.Subject] = true
		}
	}
	for _, st := range in.Students {
		districts[st.District] = true
		for _, s := range st.Subjects {
			subjects[s] = true
		}
	}
	r.subjects, r.districts = sortedKeys(subjects), sortedKeys(districts)
	subjectOf, districtOf := positions(r.subjects), positions(r.districts)

	schools := slices.SortedFunc(slices.Values(in.Schools), func(a, b School) int { return cmp.Compare(a.ID, b.ID) })
	schoolOf := make(map[string]int32, len(schools))
	for i, sc := range schools {
		schoolOf[sc.ID] = int32(i)
		offers := make([]schoolOffer, 0, len(sc.Offers))
		for _, o := range sc.Offers {
			offers = append(offers, schoolOffer{subject: subjectOf[o.Subject], places: o.Places})
		}
		slices.SortFunc(offers, func(a, b schoolOffer) int { return cmp.Compare(a.subject, b.subject) })
		r.schools = append(r.schools, school{
			id: sc.ID, level: sc.Level, district: districtOf[sc.District], capacity: sc.Capacity, offers: offers,
		})
	}

	students := slices.SortedFunc(slices.Values(in.Students), func(a, b Student) int { return cmp.Compare(a.ID, b.ID) })
	for _, st := range students {
		s := student{id: st.ID, level: st.Level, district: districtOf[st.District]}
		for _, name := range st.Subjects {
			s.subjects = append(s.subjects, subjectOf[name])
		}
		slices.Sort(s.subjects)
		for _, id := range st.Preferences {
			s.preferences = append(s.preferences, schoolOf[id])
		}
		for _, id := range st.Excluded {
			s.excluded = append(s.excluded, schoolOf[id])
		}
		slices.Sort(s.excluded)
		r.students = append(r.students, s)
	}

	for from, row := range in.TravelMinutes {
		f, ok := districtOf[from]
		if !ok {
			continue
		}
		for to, minutes := range row {
			if t, ok := districtOf[to]; ok {
				r.travel[districtPair{f, t}] = minutes
			}
		}
	}
	return r
}

func positions(names []string) map[string]int32 {
	at := make(map[string]int32, len(names))
	for i, n := range names {
		at[n] = int32(i)
	}
	return at
}

// places is how many places school x offers in a subject (0 if none).
func (r *round) places(x, subject int32) int {
	for _, o := range r.schools[x].offers {
		if o.subject == subject {
			return o.places
		}
	}
	return 0
}

// travelMinutes is the journey of student s to school x, if the table has it.
func (r *round) travelMinutes(s *student, x int32) (int, bool) {
	m, ok := r.travel[districtPair{s.district, r.schools[x].district}]
	return m, ok
}

// rank is the rank a placement of s at school x counts with.
func (r *round) rank(s *student, x int32) int {
	if k := slices.Index(s.preferences, x); k >= 0 {
		return k + 1
	}
	return r.maxPreferences + 1
}

// rule is an eligibility rule, in the order they are checked: a school that
// breaks several is reported under the first.
type rule int

const (
	eligible rule = iota
	levelMismatch
	subjectNotOffered
	excludedSchool
	travelOverLimit
)

// String names the rule as explanations do.
func (ru rule) String() string {
	return [...]string{"eligible", "level mismatch", "subject not offered", "excluded", "travel over limit"}[ru]
}

// eligibility is the first rule that keeps student s from school x. A school
// of no capacity offers no places, whatever its offers say.
func (r *round) eligibility(s *student, x int32) rule {
	sc := &r.schools[x]
	switch {
	case sc.level != s.level:
		return levelMismatch
	case sc.capacity == 0 || !slices.ContainsFunc(s.subjects, func(j int32) bool { return r.places(x, j) > 0 }):
		return subjectNotOffered
	case slices.Contains(s.excluded, x):
		return excludedSchool
	}
	if m, _ := r.travelMinutes(s, x); m > r.maxTravel {
		return travelOverLimit
	}
	return eligible
}

// ineligibility explains why student s cannot go to school x at all.
func (r *round) ineligibility(s *student, x int32) string {
	sc := &r.schools[x]
	ru := r.eligibility(s, x)
	var detail string
	switch ru {
	case levelMismatch:
		detail = fmt.Sprintf("the school is %s, the student %s", sc.level, s.level)
	case subjectNotOffered:
		names := make([]string, len(s.subjects))
		for i, j := range s.subjects {
			names[i] = r.subjects[j]
		}
		detail = "no places there in " + strings.Join(names, ", ")
	case excludedSchool:
		detail = "conflict of interest"
	case travelOverLimit:
		m, _ := r.travelMinutes(s, x)
		detail = fmt.Sprintf("%d minutes, limit %d", m, r.maxTravel)
	}
	return fmt.Sprintf("ineligible: %s (%s)", ru, detail)
}

// noEligibleSchool explains why student s is eligible nowhere, counting the
// schools each rule rules out.
func (r *round) noEligibleSchool(s *student) string {
	if len(r.schools) == 0 {
		return "no eligible school: the round has no schools"
	}
	count := make([]int, travelOverLimit+1)
	for x := range r.schools {
		count[r.eligibility(s, int32(x))]++
	}
	var parts []string
	for ru := levelMismatch; ru <= travelOverLimit; ru++ {
		if count[ru] > 0 {
			parts = append(parts, fmt.Sprintf("%s (%s)", ru, schoolCount(count[ru])))
		}
	}
	return "no eligible school: " + strings.Join(parts, ", ")
}

func schoolCount(n int) string {
	if n == 1 {
		return "1 school"
	}
	return fmt.Sprintf("%d schools", n)
}
