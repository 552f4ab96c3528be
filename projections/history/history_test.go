package history_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/events/forum"
	"wsms/events/mentoring"
	"wsms/platform/dbtest"
	"wsms/projections/projectiontest"

	rm "wsms/projections/history"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestGivenEventsOfEveryService_ThenEachIsOneEntryNamingItsActor(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	office := events.Actor{ID: "office-1", Role: events.RoleOffice}
	mentor := events.Actor{ID: "mentor-1", Role: events.RoleMentor, SchoolID: "school-a"}
	h.Record(t, "forum", "forum-2027", office,
		forum.ForumScheduled{Year: 2027, Date: "2027-11-20", Venue: "Hall", Theme: "Mentoring"},
		forum.SessionAdded{Year: 2027, SessionID: "s1", Title: "Panel", Format: "panel", Presenter: "Ms Chan", Capacity: 10})
	h.Record(t, "mentoring", "policy", office, mentoring.PolicySet{MinMentorObservations: 4, MinTutorObservations: 2, AmendDays: 7})
	h.Record(t, "forum", "practice-p1", mentor,
		forum.PracticeShared{PracticeID: "p1", SchoolID: "school-a", Year: 2027, Title: "Lesson study", Summary: "Cycles", Subject: "English"})

	type row struct {
		Service        string
		Position       int64
		Stream         string
		Version        int64
		Type           string
		OccurredAt     time.Time
		ActorID, Role  string
		ActorSchool    *string
		HasCorrelation bool
	}
	rows, err := h.DB.Query(context.Background(), `
		SELECT service, position, stream_id, version, type, occurred_at, actor_id, actor_role, actor_school_id, correlation_id IS NOT NULL
		FROM rm_history.entries ORDER BY occurred_at`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	at := func(n int) time.Time { return projectiontest.Epoch.Add(time.Duration(n) * time.Minute) }
	school := "school-a"
	want := []row{
		{"forum", 1, "forum-2027", 1, forum.ForumScheduledV1, at(1), "office-1", "OFFICE", nil, true},
		{"forum", 2, "forum-2027", 2, forum.SessionAddedV1, at(2), "office-1", "OFFICE", nil, true},
		{"mentoring", 1, "policy", 1, mentoring.PolicySetV1, at(3), "office-1", "OFFICE", nil, true},
		{"forum", 3, "practice-p1", 1, forum.PracticeSharedV1, at(4), "mentor-1", "MENTOR", &school, true},
	}
	if len(got) != len(want) {
		t.Fatalf("entries = %+v, want %d", got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Service != w.Service || g.Position != w.Position || g.Stream != w.Stream || g.Version != w.Version || g.Type != w.Type ||
			!g.OccurredAt.Equal(w.OccurredAt) || g.ActorID != w.ActorID || g.Role != w.Role || g.HasCorrelation != w.HasCorrelation ||
			(g.ActorSchool == nil) != (w.ActorSchool == nil) || (g.ActorSchool != nil && *g.ActorSchool != *w.ActorSchool) {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
}
