package forum_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/platform/dbtest"
	"wsms/projections/projectiontest"

	rm "wsms/projections/forum"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var (
	office      = events.Actor{ID: "office-1", Role: events.RoleOffice}
	coordinator = events.Actor{ID: "coord-1", Role: events.RoleSchoolCoordinator, SchoolID: "school-a"}
)

// at is when the n-th event recorded by a harness occurred.
func at(n int) time.Time { return projectiontest.Epoch.Add(time.Duration(n) * time.Minute) }

func scheduled() []any {
	return []any{
		forum.ForumScheduled{Year: 2027, Date: "2027-11-20", Venue: "Main hall", OnlineLink: "https://meet.example/f", Theme: "Whole-school mentoring"},
		forum.SessionAdded{Year: 2027, SessionID: "s1", Title: "Mentoring conversations", Format: "workshop", PresenterSchoolID: "school-a", Presenter: "Ms Chan", Capacity: 1},
		forum.SessionAdded{Year: 2027, SessionID: "s2", Title: "Keynote", Format: "keynote", Presenter: "Prof Lee", Capacity: 100},
	}
}

func registered(session, id, person, school string, waitlisted bool) forum.DelegateRegistered {
	kind := forum.DelegateSchool
	if school == "" {
		kind = forum.DelegateFaculty
	}
	return forum.DelegateRegistered{Year: 2027, SessionID: session, RegistrationID: id, PersonID: person, Name: "Name of " + person,
		Kind: kind, SchoolID: school, Waitlisted: waitlisted}
}

func queryRows[T any](t *testing.T, h *projectiontest.Harness, sql string, args ...any) []T {
	t.Helper()
	rows, err := h.DB.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[T])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestGivenAScheduledForumWithSessions_ThenTheForumAndItsProgrammeAreRows(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "forum", "forum-2027", office, scheduled()...)

	type forumRow struct {
		Year                           int
		Date, Venue, OnlineLink, Theme string
	}
	forums := queryRows[forumRow](t, h, `SELECT year, date::text, venue, online_link, theme FROM rm_forum.forums`)
	want := forumRow{2027, "2027-11-20", "Main hall", "https://meet.example/f", "Whole-school mentoring"}
	if len(forums) != 1 || forums[0] != want {
		t.Fatalf("forums = %+v, want %+v", forums, want)
	}
	type sessionRow struct {
		SessionID, Title, Format string
		PresenterSchool          *string
		Presenter                string
		Capacity                 int
		AddedAt                  time.Time
	}
	sessions := queryRows[sessionRow](t, h, `SELECT session_id, title, format, presenter_school_id, presenter, capacity, added_at FROM rm_forum.sessions ORDER BY session_id`)
	if len(sessions) != 2 || sessions[0].PresenterSchool == nil || *sessions[0].PresenterSchool != "school-a" ||
		sessions[1].PresenterSchool != nil || sessions[1].Capacity != 100 || sessions[0].Format != "workshop" ||
		!sessions[0].AddedAt.Equal(at(2)) || !sessions[1].AddedAt.Equal(at(3)) {
		t.Fatalf("sessions = %+v", sessions)
	}
}

func TestGivenRegistrationsCancellationsAndAttendance_ThenEachRegistrationShowsWhereItStands(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "forum", "forum-2027", office, scheduled()...) // events 1-3
	h.Record(t, "forum", "session-2027-s1", coordinator,
		registered("s1", "r1", "p1", "school-a", false), // event 4
		registered("s1", "r2", "p2", "school-a", true),
		registered("s1", "r3", "p3", "", true),
		forum.RegistrationCancelled{Year: 2027, SessionID: "s1", RegistrationID: "r1"},
		forum.WaitlistPromoted{Year: 2027, SessionID: "s1", RegistrationID: "r2"},
		forum.AttendanceRecorded{Year: 2027, SessionID: "s1", RegistrationID: "r2", Attended: true},
	)
	// A registration id is the session's own: another session may hold it.
	h.Record(t, "forum", "session-2027-s2", office, registered("s2", "r1", "p4", "school-b", false))

	type row struct {
		Session, ID, Person, Name, Kind string
		School                          *string
		Waitlisted, Cancelled           bool
		Attended                        *bool
		RegisteredAt                    time.Time
	}
	got := queryRows[row](t, h, `
		SELECT session_id, registration_id, person_id, name, kind, school_id, waitlisted, cancelled, attended, registered_at
		FROM rm_forum.registrations ORDER BY session_id, registration_id`)
	if len(got) != 4 {
		t.Fatalf("registrations = %+v, want 4", got)
	}
	r1, r2, r3, other := got[0], got[1], got[2], got[3]
	if !r1.Cancelled || r1.Waitlisted || r1.Attended != nil || *r1.School != "school-a" || r1.Kind != "school" || r1.Name != "Name of p1" || !r1.RegisteredAt.Equal(at(4)) {
		t.Errorf("cancelled registration = %+v", r1)
	}
	if r2.Cancelled || r2.Waitlisted || r2.Attended == nil || !*r2.Attended {
		t.Errorf("promoted and attended registration = %+v", r2)
	}
	if !r3.Waitlisted || r3.School != nil || r3.Kind != "faculty" {
		t.Errorf("waitlisted faculty registration = %+v", r3)
	}
	if other.Session != "s2" || other.ID != "r1" || other.Person != "p4" {
		t.Errorf("registration r1 of s2 = %+v", other)
	}
}

func TestGivenARenewalReplacedOnTheAgenda_ThenTheSchoolHasTheLatestAgreementOnly(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "forum", "forum-2027", office, append(scheduled(),
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "school-a", AgreementID: "ag-1", LastSchoolYear: 2027},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "school-b", AgreementID: "ag-2", LastSchoolYear: 2027},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "school-a", AgreementID: "ag-3", LastSchoolYear: 2027},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "school-a", AgreementID: "ag-1", LastSchoolYear: 2027},
	)...)

	type row struct {
		School, Agreement string
		LastSchoolYear    int
	}
	got := queryRows[row](t, h, `SELECT school_id, agreement_id, last_school_year FROM rm_forum.renewals ORDER BY school_id`)
	want := []row{{"school-a", "ag-1", 2027}, {"school-b", "ag-2", 2027}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("renewals = %+v, want %+v", got, want)
	}
}

func TestGivenSharedPractice_ThenItIsARowWithItsLinksAndWhenItWasShared(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "forum", "practice-p1", coordinator,
		forum.PracticeShared{PracticeID: "p1", SchoolID: "school-a", Year: 2027, Title: "Lesson study", Summary: "Three cycles", Subject: "English",
			Links: []string{"https://a.example/1", "https://a.example/2"}})
	h.Record(t, "forum", "practice-p2", coordinator,
		forum.PracticeShared{PracticeID: "p2", SchoolID: "school-a", Year: 2027, Title: "Co-planning", Summary: "Weekly", Subject: "Mathematics"})

	type row struct {
		ID, School           string
		Year                 int
		Title, Summary, Subj string
		Links                []string
		SharedAt             time.Time
	}
	got := queryRows[row](t, h, `SELECT practice_id, school_id, year, title, summary, subject, links, shared_at FROM rm_forum.practice ORDER BY practice_id`)
	if len(got) != 2 {
		t.Fatalf("practice = %+v", got)
	}
	if got[0].Title != "Lesson study" || got[0].Subj != "English" || len(got[0].Links) != 2 || !got[0].SharedAt.Equal(at(1)) {
		t.Errorf("first practice = %+v", got[0])
	}
	if got[1].Links == nil || len(got[1].Links) != 0 || !got[1].SharedAt.Equal(at(2)) {
		t.Errorf("practice without links = %+v, want an empty list", got[1])
	}
}

func TestGivenARespondentAnsweringTwice_ThenTheSecondAnswerReplacesTheFirst(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "forum", "feedback-2027-coord-1", coordinator,
		forum.FeedbackSubmitted{Year: 2027, RespondentID: "coord-1", SchoolID: "school-a", Ratings: map[string]int{"relevance": 2, "sharing": 3},
			Comments: map[string]string{"best": "The panel"}},
		forum.FeedbackSubmitted{Year: 2027, RespondentID: "coord-1", SchoolID: "school-a", Ratings: map[string]int{"relevance": 5}})
	h.Record(t, "forum", "feedback-2027-tutor-1", events.Actor{ID: "tutor-1", Role: events.RoleTutor},
		forum.FeedbackSubmitted{Year: 2027, RespondentID: "tutor-1", Ratings: map[string]int{"organisation": 4}})

	type row struct {
		Respondent string
		School     *string
		Ratings    map[string]int
		Comments   map[string]string
	}
	got := queryRows[row](t, h, `SELECT respondent_id, school_id, ratings, comments FROM rm_forum.feedback ORDER BY respondent_id`)
	if len(got) != 2 {
		t.Fatalf("feedback = %+v, want one row per respondent", got)
	}
	ratings, comments := got[0].Ratings, got[0].Comments
	if len(ratings) != 1 || ratings["relevance"] != 5 || len(comments) != 0 || *got[0].School != "school-a" {
		t.Errorf("resubmitted answer = ratings %v comments %v, want only the second answer", ratings, comments)
	}
	if got[1].School != nil {
		t.Errorf("faculty answer school = %v, want none", *got[1].School)
	}
}

func TestGivenExpressionsOfInterestReviewed_ThenEachShowsItsStatus(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	expressed := func(id string) forum.InterestExpressed {
		return forum.InterestExpressed{InterestID: id, SchoolName: "School " + id, District: "Sha Tin", Level: ep.Secondary,
			Contact: ep.Contact{Name: "Mr Ho", Email: "ho@example.org"}, Subjects: []string{"English"}, PlacesOffered: 3}
	}
	anyone := events.Actor{ID: "visitor", Role: events.RoleSystem}
	h.Record(t, "forum", "interest-i1", anyone, expressed("i1"))
	h.Record(t, "forum", "interest-i2", anyone, expressed("i2"))
	h.Record(t, "forum", "interest-i3", anyone, expressed("i3"))
	h.Record(t, "forum", "interest-i1", office, forum.InterestReviewed{InterestID: "i1", Accepted: true, Reason: "Strong English KLA", SchoolID: "school-new"})
	h.Record(t, "forum", "interest-i2", office, forum.InterestReviewed{InterestID: "i2", Reason: "Too far"})

	type row struct {
		ID, Name, District, Level, Contact, Email string
		Subjects                                  []string
		Places                                    int
		Status                                    string
		Reason, School                            *string
		ExpressedAt                               time.Time
		ReviewedAt                                *time.Time
	}
	got := queryRows[row](t, h, `
		SELECT interest_id, school_name, district, level, contact_name, contact_email, subjects, places_offered, status,
		       review_reason, school_id, expressed_at, reviewed_at
		FROM rm_forum.interests ORDER BY interest_id`)
	if len(got) != 3 {
		t.Fatalf("interests = %+v", got)
	}
	accepted, declined, pending := got[0], got[1], got[2]
	if accepted.Status != "accepted" || *accepted.School != "school-new" || *accepted.Reason != "Strong English KLA" || !accepted.ReviewedAt.Equal(at(4)) {
		t.Errorf("accepted = %+v", accepted)
	}
	if declined.Status != "declined" || declined.School != nil || *declined.Reason != "Too far" {
		t.Errorf("declined = %+v", declined)
	}
	if pending.Status != "pending" || pending.ReviewedAt != nil || pending.Level != "secondary" || pending.Email != "ho@example.org" ||
		pending.Places != 3 || len(pending.Subjects) != 1 || !pending.ExpressedAt.Equal(at(3)) {
		t.Errorf("pending = %+v", pending)
	}
}
