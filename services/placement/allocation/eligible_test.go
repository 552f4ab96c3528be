package allocation_test

import (
	"testing"

	"wsms/placement/allocation"
)

func TestIneligibleNamesTheRule(t *testing.T) {
	in := allocation.Instance{
		MaxPreferences: 2, MaxTravelMinutes: 45,
		Schools: []allocation.School{
			{ID: "near", Level: allocation.Secondary, District: "Sha Tin", Capacity: 2, Offers: []allocation.Offer{{Subject: "English", Places: 1}, {Subject: "Mathematics", Places: 1}}},
			{ID: "far", Level: allocation.Secondary, District: "Tuen Mun", Capacity: 1, Offers: []allocation.Offer{{Subject: "English", Places: 1}}},
			{ID: "primary", Level: allocation.Primary, District: "Sha Tin", Capacity: 1, Offers: []allocation.Offer{{Subject: "English", Places: 1}}},
		},
		Students: []allocation.Student{
			{ID: "chloe", Level: allocation.Secondary, District: "Sha Tin", Subjects: []string{"English"}, Excluded: []string{}},
			{ID: "dan", Level: allocation.Secondary, District: "Sha Tin", Subjects: []string{"English"}, Excluded: []string{"near"}},
		},
		TravelMinutes: map[string]map[string]int{"Sha Tin": {"Sha Tin": 10, "Tuen Mun": 70}},
	}
	cases := []struct{ student, school, subject, rule string }{
		{"chloe", "near", "English", ""},
		{"chloe", "near", "Mathematics", "subject not offered"}, // offered, but not one of hers
		{"chloe", "far", "English", "travel over limit"},
		{"chloe", "primary", "English", "level mismatch"},
		{"dan", "near", "English", "excluded"},
	}
	for _, tc := range cases {
		rule, why, err := allocation.Ineligible(in, tc.student, tc.school, tc.subject)
		if err != nil {
			t.Fatal(err)
		}
		if rule != tc.rule || (rule == "") != (why == "") {
			t.Errorf("%s at %s in %s: rule %q (%s), want %q", tc.student, tc.school, tc.subject, rule, why, tc.rule)
		}
	}
	if _, _, err := allocation.Ineligible(in, "nobody", "near", "English"); err == nil {
		t.Error("an unknown student was answered")
	}
}
