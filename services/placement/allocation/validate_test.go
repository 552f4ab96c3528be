package allocation_test

import (
	"errors"
	"strings"
	"testing"

	"wsms/placement/allocation"
)

// validRound is a small round that breaks no rule; each case below breaks one.
func validRound() allocation.Instance {
	return newRound(
		[]allocation.School{
			school("a", primary, "north", 2, offer("mathematics", 2)),
			school("b", secondary, "south", 2, offer("english", 2)),
		},
		student("s1", primary, "north", maths, "a"),
		student("s2", secondary, "south", []string{"english"}, "b"),
	)
}

func TestSolveRefusesBrokenRounds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		breakRule     func(in *allocation.Instance)
		record, field string
		rule          string
	}{
		{"negative maxPreferences", func(in *allocation.Instance) { in.MaxPreferences = -1 },
			"instance", "maxPreferences", "must not be negative"},
		{"negative maxTravelMinutes", func(in *allocation.Instance) { in.MaxTravelMinutes = -5 },
			"instance", "maxTravelMinutes", "must not be negative"},
		{"empty school id", func(in *allocation.Instance) { in.Schools[1].ID = "" },
			"schools[1]", "id", "must not be empty"},
		{"duplicate school id", func(in *allocation.Instance) { in.Schools[1].ID = "a" },
			`schools[1] (id "a")`, "id", "duplicate id, already used by schools[0]"},
		{"unknown school level", func(in *allocation.Instance) { in.Schools[0].Level = "tertiary" },
			`schools[0] (id "a")`, "level", `unknown level "tertiary"`},
		{"empty school district", func(in *allocation.Instance) { in.Schools[0].District = "" },
			`schools[0] (id "a")`, "district", "must not be empty"},
		{"negative capacity", func(in *allocation.Instance) { in.Schools[0].Capacity = -1 },
			`schools[0] (id "a")`, "capacity", "must not be negative"},
		{"negative places", func(in *allocation.Instance) { in.Schools[0].Offers[0].Places = -2 },
			`schools[0] (id "a")`, "offers[0].places", "must not be negative"},
		{"empty offer subject", func(in *allocation.Instance) { in.Schools[0].Offers[0].Subject = "" },
			`schools[0] (id "a")`, "offers[0].subject", "must not be empty"},
		{"duplicate offer subject", func(in *allocation.Instance) {
			in.Schools[0].Offers = append(in.Schools[0].Offers, offer("mathematics", 1))
		}, `schools[0] (id "a")`, "offers[1].subject", `subject "mathematics" is already offered`},
		{"empty student id", func(in *allocation.Instance) { in.Students[0].ID = "" },
			"students[0]", "id", "must not be empty"},
		{"duplicate student id", func(in *allocation.Instance) { in.Students[1].ID = "s1" },
			`students[1] (id "s1")`, "id", "duplicate id, already used by students[0]"},
		{"unknown student level", func(in *allocation.Instance) { in.Students[1].Level = "" },
			`students[1] (id "s2")`, "level", `unknown level ""`},
		{"empty student district", func(in *allocation.Instance) { in.Students[1].District = "" },
			`students[1] (id "s2")`, "district", "must not be empty"},
		{"empty subject", func(in *allocation.Instance) { in.Students[0].Subjects = []string{""} },
			`students[0] (id "s1")`, "subjects[0]", "must not be empty"},
		{"duplicate subject", func(in *allocation.Instance) { in.Students[0].Subjects = []string{"x", "x"} },
			`students[0] (id "s1")`, "subjects[1]", `subject "x" is already listed`},
		{"too many preferences", func(in *allocation.Instance) { in.Students[0].Preferences = []string{"a", "b"}; in.MaxPreferences = 1 },
			`students[0] (id "s1")`, "preferences", "lists 2 schools, more than maxPreferences (1)"},
		{"unknown preferred school", func(in *allocation.Instance) { in.Students[1].Preferences = []string{"b", "x"} },
			`students[1] (id "s2")`, "preferences[1]", `unknown school "x"`},
		{"school listed twice", func(in *allocation.Instance) { in.Students[0].Preferences = []string{"a", "a"} },
			`students[0] (id "s1")`, "preferences[1]", `school "a" is already listed at preferences[0]`},
		{"unknown excluded school", func(in *allocation.Instance) { in.Students[0].Excluded = []string{"zz"} },
			`students[0] (id "s1")`, "excluded[0]", `unknown school "zz"`},
		{"school excluded twice", func(in *allocation.Instance) { in.Students[0].Excluded = []string{"b", "b"} },
			`students[0] (id "s1")`, "excluded[1]", `school "b" is already listed at excluded[0]`},
		{"negative travel time", func(in *allocation.Instance) { in.TravelMinutes["north"]["far"] = -1 },
			"travelMinutes", `["north"]["far"]`, "must not be negative"},
		{"missing travel time", func(in *allocation.Instance) { delete(in.TravelMinutes["south"], "south") },
			"travelMinutes", `["south"]["south"]`, `missing: needed for student "s2" and school "b" (both secondary)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// Given a valid round with one rule broken
			in := validRound()
			c.breakRule(&in)
			// When it is solved
			_, err := allocation.Solve(in)
			// Then it is refused with an error naming the record and field
			var ie *allocation.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an *InputError", err)
			}
			if ie.Record != c.record || ie.Field != c.field || !strings.HasPrefix(ie.Rule, c.rule) {
				t.Errorf("got %#v, want record %q, field %q, rule %q", ie, c.record, c.field, c.rule)
			}
			if !strings.Contains(err.Error(), ie.Error()) {
				t.Errorf("message %q does not contain %q", err, ie)
			}
		})
	}
}

func TestTravelTimeOnlyNeededForSameLevel(t *testing.T) {
	t.Parallel()
	// Given a round whose table lacks the times between a primary student's
	// district and a secondary school's
	in := validRound()
	delete(in.TravelMinutes["north"], "south")
	// When it is solved
	_, err := allocation.Solve(in)
	// Then nothing is missing
	if err != nil {
		t.Errorf("refused: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	// Given a round with three problems
	in := validRound()
	in.Schools[0].Capacity = -1
	in.Students[0].Preferences = []string{"nope"}
	in.Students[1].ID = ""
	// When it is validated
	err := in.Validate()
	// Then each problem is an *InputError of its own, in input order
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v does not list its problems", err)
	}
	var got []string
	for _, e := range joined.Unwrap() {
		var ie *allocation.InputError
		if !errors.As(e, &ie) {
			t.Fatalf("problem %v is not an *InputError", e)
		}
		got = append(got, ie.Error())
	}
	want := []string{
		`schools[0] (id "a").capacity: must not be negative, got -1`,
		`students[0] (id "s1").preferences[0]: unknown school "nope"`,
		`students[1].id: must not be empty`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDecodeIsStrict(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"unknown field":  `{"maxPreferences": 3, "maxPreference": 4}`,
		"trailing data":  `{"maxPreferences": 3} {}`,
		"wrong type":     `{"maxPreferences": "three"}`,
		"not json":       `maxPreferences: 3`,
		"unknown nested": `{"schools": [{"id": "a", "capacty": 3}]}`,
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Given a malformed round, when it is decoded, then it is refused
			if _, err := allocation.Decode(strings.NewReader(input)); err == nil {
				t.Errorf("decoded %s", input)
			}
		})
	}
}

func TestDecodeReadsDocumentedFormat(t *testing.T) {
	t.Parallel()
	// Given the round of the package documentation
	input := `{
	  "maxPreferences": 10,
	  "maxTravelMinutes": 60,
	  "schools": [
	    {"id": "sch-1", "level": "primary", "district": "north", "capacity": 3,
	     "offers": [{"subject": "mathematics", "places": 2},
	                {"subject": "english", "places": 2}]}
	  ],
	  "students": [
	    {"id": "stu-1", "level": "primary", "district": "south",
	     "subjects": ["mathematics"], "preferences": ["sch-1"], "excluded": []}
	  ],
	  "travelMinutes": {"south": {"north": 25}}
	}`
	// When it is decoded and solved
	in, err := allocation.Decode(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	res := solve(t, in)
	// Then the student goes to their school
	if p, _ := placementOf(res, "stu-1"); p.School != "sch-1" || p.TravelMinutes != 25 {
		t.Errorf("placement %+v", p)
	}
}
