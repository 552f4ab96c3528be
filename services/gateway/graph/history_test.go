package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"wsms/events"
	"wsms/events/forum"
	"wsms/events/mentoring"
	"wsms/events/placement"
	rmhistory "wsms/projections/history"
	rmmentoring "wsms/projections/mentoring"
	"wsms/projections/projectiontest"
)

// The history's tests record a round's first events (and a forum's) into
// the history read model and the mentoring records it scopes by, then read
// streams' histories as each role.

// historyRecords are the mentoring records of the history's tests:
// student-teacher st1 placed at s1, st2 at s2.
var historyRecords = map[string]string{
	"st1": "record-" + mentoring.RecordIDFor("r1", "st1"),
	"st2": "record-" + mentoring.RecordIDFor("r1", "st2"),
}

// historyWorld is round r1 opened by the office, school s1 registered, the
// offers of s1 and s2 made by their coordinators, student-teachers st1 and
// st2 registered with preferences, their mentoring records opened at s1
// and s2, and the 2027 forum scheduled.
func historyWorld(t *testing.T) *client.Client {
	t.Helper()
	h := projectiontest.New(t, rmhistory.Projection, rmmentoring.Projection)
	h.Record(t, "placement", "round-r1", office, placement.PlacementRoundOpened{RoundID: "r1", Name: "Practicum 2027/28", SchoolYear: 2027,
		OfferDeadline: "2027-10-01", PreferenceDeadline: "2027-10-15", MaxPreferences: 3, MaxTravelMinutes: 60})
	h.Record(t, "placement", "school-s1", office, placement.SchoolRegistered{SchoolID: "s1", Name: "Harbour Secondary", District: "Central",
		Level: placement.Secondary, Contact: placement.Contact{Name: "Ms Ho", Email: "ho@s1.example"}})
	for _, k := range []events.Actor{coordinator1, coordinator2} {
		h.Record(t, "placement", "offer-r1-"+k.SchoolID, k, placement.PlacesOffered{RoundID: "r1", SchoolID: k.SchoolID,
			Capacity: 1, Offers: []placement.OfferedPlaces{{Subject: "English", Places: 1}}})
	}
	for _, st := range []string{"st1", "st2"} {
		h.Record(t, "placement", "student-r1-"+st, office,
			placement.StudentTeacherRegistered{RoundID: "r1", StudentID: st, Name: "Student " + st, Email: st + "@uni.example",
				Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Central"},
			placement.PreferencesSubmitted{RoundID: "r1", StudentID: st, SchoolIDs: []string{"s1", "s2"}})
	}
	for st, school := range map[string]string{"st1": "s1", "st2": "s2"} {
		h.Record(t, "mentoring", historyRecords[st], events.Actor{ID: "placement-process", Role: events.RoleSystem},
			mentoring.RecordOpened{RecordID: mentoring.RecordIDFor("r1", st), RoundID: "r1", StudentID: st, SchoolID: school, Subject: "English",
				Windows: []placement.Period{{From: "2028-01-10", To: "2028-02-20"}}})
	}
	h.Record(t, "forum", "forum-2027", office, forum.ForumScheduled{Year: 2027, Date: "2027-11-20", Venue: "Main hall", Theme: "Mentoring"})
	return readClient(h)
}

type historyData struct {
	History *page[struct {
		Service, Type     string
		Version, Position int
		OccurredAt        time.Time
		Actor             struct {
			ID, Role string
			SchoolID *string
		}
	}]
}

const historyFields = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { service version position type occurredAt actor { id role schoolId } } }`

func TestGivenAStudentTeachersStreamWhenTheOfficeReadsItsHistoryThenItSeesWhoDidWhatWhenOldestFirst(t *testing.T) {
	c := historyWorld(t)
	var v historyData
	same(t, "errors", ask(t, c, &office, `{ history(streamId: "offer-r1-s2") { `+historyFields+` } }`, &v), []string(nil))
	same(t, "total", v.History.TotalCount, 1)
	n := v.History.Edges[0].Node
	same(t, "entry", []any{n.Service, n.Version, n.Position, n.Type, n.OccurredAt, n.Actor.ID, n.Actor.Role, *n.Actor.SchoolID},
		[]any{"placement", 1, 4, placement.PlacesOfferedV1, projectiontest.Epoch.Add(4 * time.Minute), "k2", "SCHOOL_COORDINATOR", "s2"})

	same(t, "errors", ask(t, c, &office, `{ history(streamId: "student-r1-st1") { `+historyFields+` } }`, &v), []string(nil))
	var entries []string
	for _, e := range v.History.Edges {
		entries = append(entries, fmt.Sprintf("%d %s by %s", e.Node.Version, e.Node.Type, e.Node.Actor.Role))
	}
	same(t, "entries", entries, []string{
		"1 " + placement.StudentTeacherRegisteredV1 + " by OFFICE",
		"2 " + placement.PreferencesSubmittedV1 + " by OFFICE",
	})
	if v.History.Edges[0].Node.Actor.SchoolID != nil {
		t.Errorf("office's school = %v, want none", *v.History.Edges[0].Node.Actor.SchoolID)
	}

	same(t, "unknown stream", ask(t, c, &office, `{ history(streamId: "school-nowhere") { `+historyFields+` } }`, &v), []string(nil))
	same(t, "unknown stream total", v.History.TotalCount, 0)
}

func TestGivenEachRoleWhenItAsksForTheHistoryOfEachStreamThenOnlyStreamsAboutThemAreAnswered(t *testing.T) {
	c := historyWorld(t)
	streams := []string{"round-r1", "school-s1", "offer-r1-s1", "offer-r1-s2", "student-r1-st1", "student-r1-st2",
		historyRecords["st1"], historyRecords["st2"], "forum-2027", "school-nowhere"}
	readable := map[string][]string{
		"k1":  {"school-s1", "offer-r1-s1", historyRecords["st1"]},
		"t1":  {"school-s1", "offer-r1-s1", historyRecords["st1"]},
		"k2":  {"offer-r1-s2", historyRecords["st2"]},
		"st1": {"student-r1-st1", historyRecords["st1"]},
		// A student-teacher whose id ends another's stream id reads
		// nothing of it, and the query does not fail.
		"r1-st1": nil,
		"1":      nil,
	}
	viewers := []events.Actor{office, faculty, tutor, coordinator1, mentor1, coordinator2, student,
		{ID: "r1-st1", Role: events.RoleStudentTeacher}, {ID: "1", Role: events.RoleStudentTeacher},
		{ID: "k9", Role: events.RoleSchoolCoordinator}} // no school
	for _, viewer := range viewers {
		for _, stream := range streams {
			var v historyData
			codes := ask(t, c, &viewer, fmt.Sprintf(`{ history(streamId: %q) { totalCount } }`, stream), &v)
			want := []string{"FORBIDDEN"}
			if viewer.Role == events.RoleOffice || viewer.Role == events.RoleFaculty || viewer.Role == events.RoleTutor {
				want = nil
			}
			for _, s := range readable[viewer.ID] {
				if s == stream {
					want = nil
				}
			}
			same(t, viewer.ID+" reading "+stream, codes, want)
			if want == nil && stream != "school-nowhere" && (v.History == nil || v.History.TotalCount == 0) {
				t.Errorf("%s reading %s: no entries", viewer.ID, stream)
			}
		}
	}
	var v historyData
	same(t, "anonymous", ask(t, c, nil, `{ history(streamId: "school-s1") { totalCount } }`, &v), []string{"UNAUTHENTICATED"})
}

func TestGivenAStreamWhenItsHistoryIsReadAPageAtATimeThenEachPageFollowsTheLast(t *testing.T) {
	c := historyWorld(t)
	var versions []int
	after := ""
	for {
		var v historyData
		same(t, "errors", ask(t, c, &student, `{ history(streamId: "student-r1-st1", first: 1`+after+`) { `+historyFields+` } }`, &v), []string(nil))
		same(t, "total", v.History.TotalCount, 2)
		for _, e := range v.History.Edges {
			versions = append(versions, e.Node.Version)
		}
		if !v.History.PageInfo.HasNextPage {
			break
		}
		after = fmt.Sprintf(", after: %q", *v.History.PageInfo.EndCursor)
	}
	same(t, "versions", versions, []int{1, 2})

	for args, want := range map[string]string{
		`first: 0`:                     "VALIDATION first",
		`first: 201`:                   "VALIDATION first",
		`after: "%%%"`:                 "VALIDATION after",
		`after: "WyJ4IiwieSJd"`:        "VALIDATION after", // ["x","y"]: no version
		`after: "WyIxIiwiXHUwMDAwIl0"`: "VALIDATION after", // ["1","\u0000"]: no text holds NUL
	} {
		var v historyData
		same(t, args, ask(t, c, &office, `{ history(streamId: "student-r1-st1", `+args+`) { totalCount } }`, &v), []string{want})
	}
}
