package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"wsms/events"
	"wsms/events/placement"
	rmplacements "wsms/projections/placements"
	"wsms/projections/projectiontest"
)

// The subscriptions' tests follow the round view live, over WebSocket, as
// the projections change its rows.

// liveRound is round r1, published: Harbour and Hillside offered English,
// and Amy is placed at Harbour.
func liveRound(t *testing.T) *projectiontest.Harness {
	t.Helper()
	h := projectiontest.New(t, rmplacements.Projection)
	h.Record(t, "placement", "round-r1", plOffice, plOpened("r1", "Practicum 2027/28", 2027))
	for _, s := range []events.Actor{harbourCoordinator, hillsideMentor} {
		h.Record(t, "placement", "offer-r1-"+s.SchoolID, s, plOffer("r1", s.SchoolID, s.SchoolID+" school", 2,
			placement.OfferedPlaces{Subject: "English", Places: 2}))
	}
	h.Record(t, "placement", "student-r1-amy", plOffice, liveStudent("amy"))
	h.Record(t, "placement", "round-r1", plOffice, placement.AllocationRecorded{RoundID: "r1",
		Placements: []placement.Placement{{StudentID: "amy", SchoolID: "harbour", Subject: "English", Rank: 1, TravelMinutes: 10}}},
		placement.AllocationPublished{RoundID: "r1"})
	return h
}

func liveStudent(id string) placement.StudentTeacherRegistered {
	return placement.StudentTeacherRegistered{RoundID: "r1", StudentID: id, Name: "Student " + id, Email: id + "@uni.example",
		Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Central"}
}

// liveRegistrations is the round view as the tests follow it.
type liveRegistrations struct {
	PlacementRound struct {
		Registrations struct {
			Edges []struct{ Node struct{ StudentID string } }
		}
	}
}

func (v liveRegistrations) ids() []string {
	var ids []string
	for _, e := range v.PlacementRound.Registrations.Edges {
		ids = append(ids, e.Node.StudentID)
	}
	return ids
}

const liveRoundSubscription = `subscription { placementRound(id: "r1") { registrations { edges { node { studentId } } } } }`

// placeByHand registers a student-teacher and has the office place them
// at school.
func placeByHand(t *testing.T, h *projectiontest.Harness, student, school string) {
	t.Helper()
	h.Record(t, "placement", "student-r1-"+student, plOffice, liveStudent(student))
	h.Record(t, "placement", "round-r1", plOffice, placement.PlacementOverridden{RoundID: "r1", StudentID: student, SchoolID: school,
		Subject: "English", Rank: 1, TravelMinutes: 20, Reason: "placed by hand"})
}

func TestGivenASchoolFollowingTheRoundWhenAnotherSchoolsPlacementChangesThenNothingIsSentUntilTheirOwnDoes(t *testing.T) {
	t.Parallel()
	h := liveRound(t)
	c := liveClient(t, h)

	harbour := c.WebsocketWithPayload(liveRoundSubscription, asPayload(harbourCoordinator))
	defer func() { _ = harbour.Close() }()
	office := c.WebsocketWithPayload(liveRoundSubscription, asPayload(plOffice))
	defer func() { _ = office.Close() }()
	var v liveRegistrations
	for _, sub := range []*client.Subscription{harbour, office} {
		if err := next(t, sub, &v); err != nil {
			t.Fatal(err)
		}
		same(t, "first value", v.ids(), []string{"amy"})
	}

	// Zed is placed at Hillside: the office sees it; Harbour, whose view
	// it leaves as it was, is sent nothing, so when Harbour is sent
	// something says nothing of other schools.
	placeByHand(t, h, "zed", "hillside")
	if err := next(t, office, &v); err != nil {
		t.Fatal(err)
	}
	same(t, "the office sees Zed", v.ids(), []string{"amy", "zed"})
	time.Sleep(time.Second) // Harbour's subscription has read the change too.

	placeByHand(t, h, "yan", "harbour")
	if err := next(t, harbour, &v); err != nil {
		t.Fatal(err)
	}
	same(t, "Harbour's next value is its own change", v.ids(), []string{"amy", "yan"})
}

func TestGivenAViewerHoldingTenLiveSubscriptionsWhenTheySubscribeAgainThenItIsRefusedUntilOneEnds(t *testing.T) {
	t.Parallel()
	h := liveRound(t)
	// A watcher that never runs: the subscriptions stay open, waiting.
	c := idleClient(h)
	subscribe := func(a events.Actor) (*client.Subscription, error) {
		sub := c.WebsocketWithPayload(liveRoundSubscription, asPayload(a))
		var v liveRegistrations
		err := next(t, sub, &v)
		if err != nil {
			_ = sub.Close()
		}
		return sub, err
	}

	var held []*client.Subscription
	defer func() {
		for _, sub := range held {
			_ = sub.Close()
		}
	}()
	for i := range 10 {
		sub, err := subscribe(harbourCoordinator)
		if err != nil {
			t.Fatalf("subscription %d: %v", i+1, err)
		}
		held = append(held, sub)
	}
	if _, err := subscribe(harbourCoordinator); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") ||
		!strings.Contains(err.Error(), "10 live subscriptions") {
		t.Fatalf("the 11th subscription: %v, want FORBIDDEN naming the limit", err)
	}
	other, err := subscribe(harbourMentor)
	if err != nil {
		t.Fatalf("another viewer's subscription: %v", err)
	}
	held = append(held, other)

	// Ending one frees its place, once the gateway sees the connection go.
	_ = held[0].Close()
	held = slices.Delete(held, 0, 1)
	deadline := time.Now().Add(5 * time.Second)
	for {
		sub, err := subscribe(harbourCoordinator)
		if err == nil {
			held = append(held, sub)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after one ended, a new subscription is still refused: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
