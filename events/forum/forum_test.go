package forum_test

import (
	"testing"

	"wsms/events"
	"wsms/events/eventstest"
	"wsms/events/forum"
)

func TestGoldenFixtures(t *testing.T) {
	reg := events.NewRegistry()
	forum.Register(reg)
	eventstest.Golden(t, reg, "testdata/golden")
}
