package placement_test

import (
	"testing"

	"wsms/events"
	"wsms/events/eventstest"
	"wsms/events/placement"
)

func TestGoldenFixtures(t *testing.T) {
	reg := events.NewRegistry()
	placement.Register(reg)
	eventstest.Golden(t, reg, "testdata/golden")
}

func TestSchoolContactIsPersonalData(t *testing.T) {
	got := events.PersonalFields(placement.SchoolRegistered{})
	want := []string{"contact.name", "contact.email", "contact.phone"}
	if len(got.Fields) != len(want) {
		t.Fatalf("personal fields = %v, want %v", got.Fields, want)
	}
	for i := range want {
		if got.Fields[i] != want[i] {
			t.Fatalf("personal fields = %v, want %v", got.Fields, want)
		}
	}
}
