package mentoring_test

import (
	"testing"

	"wsms/events"
	"wsms/events/eventstest"
	"wsms/events/mentoring"
)

func TestGoldenFixtures(t *testing.T) {
	reg := events.NewRegistry()
	mentoring.Register(reg)
	eventstest.Golden(t, reg, "testdata/golden")
}
