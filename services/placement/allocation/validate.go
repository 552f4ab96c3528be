package allocation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// InputError is one problem with a round, located precisely enough that a
// caller can point a user at the field to fix, e.g.
//
//	students[3] (id "s-17").preferences[2]: unknown school "x"
type InputError struct {
	// Record names the record: `students[3] (id "s-17")`, `schools[0]`,
	// `instance` for top-level fields or `travelMinutes` for the table.
	Record string
	// Field is the field within the record: `preferences[2]`, `capacity`,
	// or `["north"]["south"]` within travelMinutes.
	Field string
	// Rule says what is wrong.
	Rule string
}

// Error renders the problem as users see it: record.field: rule.
func (e *InputError) Error() string {
	sep := "."
	if strings.HasPrefix(e.Field, "[") {
		sep = ""
	}
	return e.Record + sep + e.Field + ": " + e.Rule
}

// Validate reports every problem that keeps the round from being solved. The
// error joins one *InputError per problem, in input order; errors.As finds
// the first, and the Unwrap() []error method lists them all.
func (in Instance) Validate() error {
	var v validation
	if in.MaxPreferences < 0 {
		v.add("instance", "maxPreferences", "must not be negative, got %d", in.MaxPreferences)
	}
	if in.MaxTravelMinutes < 0 {
		v.add("instance", "maxTravelMinutes", "must not be negative, got %d", in.MaxTravelMinutes)
	}
	schoolAt := v.schools(in.Schools)
	v.students(in, schoolAt)
	v.travel(in)
	return errors.Join(v.problems...)
}

// validation collects the problems of one round.
type validation struct {
	problems []error
}

// add records a problem.
func (v *validation) add(record, field, rule string, args ...any) {
	v.problems = append(v.problems, &InputError{Record: record, Field: field, Rule: fmt.Sprintf(rule, args...)})
}

// record names the i-th element of a list by position and, if it has one, id.
func record(list string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] (id %q)", list, i, id)
}

// identity checks the id of the i-th record of a list and returns whether it
// is usable (non-empty and not seen before).
func (v *validation) identity(list string, i int, id string, seen map[string]int) bool {
	rec := record(list, i, id)
	if id == "" {
		v.add(rec, "id", "must not be empty")
		return false
	}
	if first, dup := seen[id]; dup {
		v.add(rec, "id", "duplicate id, already used by %s[%d]", list, first)
		return false
	}
	seen[id] = i
	return true
}

// level checks a level is one the solver knows.
func (v *validation) level(rec string, l Level) {
	if l != Primary && l != Secondary {
		v.add(rec, "level", "unknown level %q, want %q or %q", l, Primary, Secondary)
	}
}

// district checks a district is named, as the travel table needs.
func (v *validation) district(rec, district string) {
	if district == "" {
		v.add(rec, "district", "must not be empty")
	}
}

// schools checks the schools and returns the position of each school id.
func (v *validation) schools(schools []School) map[string]int {
	at := make(map[string]int, len(schools))
	for i, sc := range schools {
		rec := record("schools", i, sc.ID)
		v.identity("schools", i, sc.ID, at)
		v.level(rec, sc.Level)
		v.district(rec, sc.District)
		if sc.Capacity < 0 {
			v.add(rec, "capacity", "must not be negative, got %d", sc.Capacity)
		}
		subjects := make(map[string]int, len(sc.Offers))
		for k, o := range sc.Offers {
			field := fmt.Sprintf("offers[%d]", k)
			if o.Subject == "" {
				v.add(rec, field+".subject", "must not be empty")
			} else if first, dup := subjects[o.Subject]; dup {
				v.add(rec, field+".subject", "subject %q is already offered at offers[%d]", o.Subject, first)
			} else {
				subjects[o.Subject] = k
			}
			if o.Places < 0 {
				v.add(rec, field+".places", "must not be negative, got %d", o.Places)
			}
		}
	}
	return at
}

// students checks the students, their subjects and their school lists.
func (v *validation) students(in Instance, schoolAt map[string]int) {
	seen := make(map[string]int, len(in.Students))
	for i, st := range in.Students {
		rec := record("students", i, st.ID)
		v.identity("students", i, st.ID, seen)
		v.level(rec, st.Level)
		v.district(rec, st.District)
		subjects := make(map[string]int, len(st.Subjects))
		for k, s := range st.Subjects {
			field := fmt.Sprintf("subjects[%d]", k)
			if s == "" {
				v.add(rec, field, "must not be empty")
			} else if first, dup := subjects[s]; dup {
				v.add(rec, field, "subject %q is already listed at subjects[%d]", s, first)
			} else {
				subjects[s] = k
			}
		}
		if len(st.Preferences) > in.MaxPreferences {
			v.add(rec, "preferences", "lists %d schools, more than maxPreferences (%d)", len(st.Preferences), in.MaxPreferences)
		}
		v.schoolList(rec, "preferences", st.Preferences, schoolAt)
		v.schoolList(rec, "excluded", st.Excluded, schoolAt)
	}
}

// schoolList checks a list of school ids: each must name a school, once.
func (v *validation) schoolList(rec, list string, ids []string, schoolAt map[string]int) {
	seen := make(map[string]int, len(ids))
	for k, id := range ids {
		field := fmt.Sprintf("%s[%d]", list, k)
		if _, ok := schoolAt[id]; !ok {
			v.add(rec, field, "unknown school %q", id)
			continue
		}
		if first, dup := seen[id]; dup {
			v.add(rec, field, "school %q is already listed at %s[%d]", id, list, first)
			continue
		}
		seen[id] = k
	}
}

// travel checks the travel table: no negative time, and a time for every
// student and school of the same level, since eligibility depends on it.
func (v *validation) travel(in Instance) {
	for _, from := range sortedKeys(in.TravelMinutes) {
		for _, to := range sortedKeys(in.TravelMinutes[from]) {
			if m := in.TravelMinutes[from][to]; m < 0 {
				v.add("travelMinutes", fmt.Sprintf("[%q][%q]", from, to), "must not be negative, got %d", m)
			}
		}
	}
	type place struct {
		level    Level
		district string
	}
	firstSchool := make(map[place]string) // the first school in each place, to name in a message
	districts := map[Level][]string{}
	for _, sc := range in.Schools {
		p := place{sc.Level, sc.District}
		if _, seen := firstSchool[p]; seen || sc.ID == "" || sc.District == "" {
			continue
		}
		firstSchool[p] = sc.ID
		districts[sc.Level] = append(districts[sc.Level], sc.District)
	}
	checked := make(map[place]bool)
	for _, st := range in.Students {
		p := place{st.Level, st.District}
		if checked[p] || st.ID == "" || st.District == "" {
			continue
		}
		checked[p] = true
		for _, to := range districts[st.Level] {
			if _, ok := in.TravelMinutes[st.District][to]; !ok {
				v.add("travelMinutes", fmt.Sprintf("[%q][%q]", st.District, to),
					"missing: needed for student %q and school %q (both %s)", st.ID, firstSchool[place{st.Level, to}], st.Level)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
