package allocation

import (
	"fmt"
	"slices"
)

// Ineligible says which hard rule keeps a student from a school in a
// subject: "level mismatch", "subject not offered", "excluded" or "travel
// over limit", with the explanation an allocation would give; both are ""
// when the student may be placed there. Places are not counted: whether one
// is free is the caller's question. It lets a placement made by hand be
// held to exactly the rules the solver applies.
func Ineligible(in Instance, studentID, schoolID, subject string) (rule, explanation string, err error) {
	if err := in.Validate(); err != nil {
		return "", "", err
	}
	r := newRound(in)
	s := slices.IndexFunc(r.students, func(st student) bool { return st.id == studentID })
	x := slices.IndexFunc(r.schools, func(sc school) bool { return sc.id == schoolID })
	if s < 0 || x < 0 {
		return "", "", fmt.Errorf("ineligible: no student %q or school %q in the round", studentID, schoolID)
	}
	// The student as if the subject were their only one: eligibility then
	// speaks of that subject alone.
	one := r.students[s]
	one.subjects = nil
	if j := slices.Index(r.subjects, subject); j >= 0 && slices.Contains(r.students[s].subjects, int32(j)) {
		one.subjects = []int32{int32(j)}
	}
	if ru := r.eligibility(&one, int32(x)); ru != eligible {
		return ru.String(), r.ineligibility(&one, int32(x)), nil
	}
	return "", "", nil
}
