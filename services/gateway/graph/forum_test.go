package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"wsms/events"
	"wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/gateway/graph"
	rmforum "wsms/projections/forum"
	"wsms/projections/projectiontest"
)

// The forum view's tests record a forum year's events into the forum read
// model (and the history's tests into theirs), then read it through the
// real executable schema as each role.

// forumYear is the 2027 forum: the workshop s-work (one place) presented by
// school s1, and the keynote s-key. Kim of s1 holds the workshop's place
// and attended; Sam of s2 and Fay of the faculty wait for it. Kim, Sue of
// s2 and Pat of s2 (cancelled) registered for the keynote. s1 and s2 are on
// the renewal agenda; three schools' practice was shared (and one in 2026);
// a coordinator of s1 and a tutor answered the questionnaire; three
// schools expressed interest, one accepted and one declined.
func forumYear(t *testing.T) *client.Client {
	t.Helper()
	h := projectiontest.New(t, rmforum.Projection)
	h.Record(t, "forum", "forum-2027", office,
		forum.ForumScheduled{Year: 2027, Date: "2027-11-20", Venue: "Main hall", OnlineLink: "https://meet.example/forum", Theme: "Whole-school mentoring"},
		forum.SessionAdded{Year: 2027, SessionID: "s-work", Title: "Mentoring conversations", Format: "workshop", PresenterSchoolID: "s1", Presenter: "Ms Chan", Capacity: 1},
		forum.SessionAdded{Year: 2027, SessionID: "s-key", Title: "Keynote", Format: "keynote", Presenter: "Prof Lee", Capacity: 10},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "s1", AgreementID: "a1", LastSchoolYear: 2027},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: "s2", AgreementID: "a2", LastSchoolYear: 2027})
	delegate := func(session, id, person, name, school string, waitlisted bool) forum.DelegateRegistered {
		kind := forum.DelegateSchool
		if school == "" {
			kind = forum.DelegateFaculty
		}
		return forum.DelegateRegistered{Year: 2027, SessionID: session, RegistrationID: id, PersonID: person, Name: name, Kind: kind, SchoolID: school, Waitlisted: waitlisted}
	}
	h.Record(t, "forum", "session-2027-s-work", office,
		delegate("s-work", "g1", "kim", "Kim", "s1", false),
		delegate("s-work", "g2", "sam", "Sam", "s2", true),
		delegate("s-work", "g3", "fay", "Fay", "", true),
		forum.AttendanceRecorded{Year: 2027, SessionID: "s-work", RegistrationID: "g1", Attended: true})
	h.Record(t, "forum", "session-2027-s-key", office,
		delegate("s-key", "g4", "kim", "Kim", "s1", false),
		delegate("s-key", "g5", "sue", "Sue", "s2", false),
		delegate("s-key", "g6", "pat", "Pat", "s2", false),
		forum.RegistrationCancelled{Year: 2027, SessionID: "s-key", RegistrationID: "g6"})
	for _, p := range []forum.PracticeShared{
		{PracticeID: "pr0", SchoolID: "s1", Year: 2026, Title: "Old practice", Summary: "Last year", Subject: "English"},
		{PracticeID: "pr1", SchoolID: "s1", Year: 2027, Title: "Lesson study", Summary: "Three cycles of co-planned lessons", Subject: "English", Links: []string{"https://s1.example/ls"}},
		{PracticeID: "pr2", SchoolID: "s2", Year: 2027, Title: "Co-planning", Summary: "Weekly planning with mentors", Subject: "Mathematics"},
		{PracticeID: "pr3", SchoolID: "s3", Year: 2027, Title: "Peer coaching", Summary: "Mentors observe each other", Subject: "English"},
	} {
		h.Record(t, "forum", "practice-"+p.PracticeID, coordinator1, p)
	}
	h.Record(t, "forum", "feedback-2027-k1", coordinator1, forum.FeedbackSubmitted{Year: 2027, RespondentID: "k1", SchoolID: "s1",
		Ratings: map[string]int{"relevance": 4, "sharing": 2}, Comments: map[string]string{"best": "The workshop", "improve": "Longer sessions"}})
	h.Record(t, "forum", "feedback-2027-u1", tutor, forum.FeedbackSubmitted{Year: 2027, RespondentID: "u1",
		Ratings: map[string]int{"relevance": 5}, Comments: map[string]string{"best": "Meeting schools"}})
	for _, id := range []string{"i1", "i2", "i3"} {
		h.Record(t, "forum", "interest-"+id, events.Actor{ID: "visitor-" + id, Role: events.RoleSchoolCoordinator},
			forum.InterestExpressed{InterestID: id, SchoolName: "School " + id, District: "Sha Tin", Level: ep.Primary,
				Contact: ep.Contact{Name: "Head of " + id, Email: id + "@school.example"}, Subjects: []string{"English"}, PlacesOffered: 2})
	}
	h.Record(t, "forum", "interest-i2", office, forum.InterestReviewed{InterestID: "i2", Accepted: true, Reason: "Welcome", SchoolID: "s9"})
	h.Record(t, "forum", "interest-i3", office, forum.InterestReviewed{InterestID: "i3", Reason: "Too far"})
	return readClient(h)
}

type forumRegistration struct {
	ID, SessionID, PersonID, Name, Kind string
	SchoolID                            *string
	Waitlisted, Cancelled               bool
	Attended                            *bool
	RegisteredAt                        time.Time
}

type forumViewData struct {
	Forum *struct {
		Year                           int
		Date, Venue, OnlineLink, Theme string
		Sessions                       []graph.ForumSession
		Registrations                  page[forumRegistration]
		Participation                  []graph.SchoolParticipation
		RenewalsDue                    []graph.ForumRenewal
		Practice                       page[struct {
			ID, SchoolID, Title, Subject string
			Links                        []string
		}]
		Feedback struct {
			Respondents int
			Ratings     []graph.FeedbackRating
			Comments    page[struct {
				RespondentID, Question, Text string
				SchoolID                     *string
			}]
		}
		ExpressionsOfInterest page[struct {
			ID, Status             string
			SchoolID, ReviewReason *string
		}]
	}
}

const (
	forumOpening            = `forum(year: 2027) { year date venue onlineLink theme`
	forumSessionsField      = ` sessions { id title format presenter presenterSchoolId capacity registered waitlisted attended }`
	forumRegistrationsField = ` registrations { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id sessionId personId name kind schoolId waitlisted cancelled attended registeredAt } } }`
	forumParticipationField = ` participation { schoolId delegates attended }`
	forumRenewalsField      = ` renewalsDue { schoolId agreementId lastSchoolYear }`
	forumPracticeField      = ` practice { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id schoolId title subject links } } }`
	forumFeedbackField      = ` feedback { respondents ratings { question average responses } }`
	forumCommentsField      = ` feedback { comments { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { respondentId schoolId question text } } } }`
	forumInterestsField     = ` expressionsOfInterest { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status schoolId reviewReason } } }`
)

// forumViewQuery asks for the forum with the given fields.
func forumViewQuery(fields ...string) string {
	q := "{ " + forumOpening
	for _, f := range fields {
		q += f
	}
	return q + " } }"
}

func TestGivenAForumYearWhenTheOfficeReadsTheForumThenItSeesEverySchoolsRegistrationsFeedbackAndInterests(t *testing.T) {
	c := forumYear(t)
	var v forumViewData
	codes := ask(t, c, &office, forumViewQuery(forumSessionsField, forumRegistrationsField, forumParticipationField, forumRenewalsField,
		forumPracticeField, forumFeedbackField, forumInterestsField), &v)
	same(t, "errors", codes, []string(nil))
	f := v.Forum
	if f == nil {
		t.Fatal("no forum")
	}
	same(t, "forum", []any{f.Year, f.Date, f.Venue, f.OnlineLink, f.Theme}, []any{2027, "2027-11-20", "Main hall", "https://meet.example/forum", "Whole-school mentoring"})
	same(t, "sessions", f.Sessions, []graph.ForumSession{
		{ID: "s-work", Title: "Mentoring conversations", Format: "workshop", Presenter: "Ms Chan", PresenterSchoolID: ptr("s1"), Capacity: 1, Registered: 1, Waitlisted: 2, Attended: 1},
		{ID: "s-key", Title: "Keynote", Format: "keynote", Presenter: "Prof Lee", Capacity: 10, Registered: 2},
	})
	var regs []string
	for _, g := range f.Registrations.nodes() {
		regs = append(regs, fmt.Sprintf("%s %s %s %s waitlisted=%v cancelled=%v attended=%v", g.SessionID, g.ID, g.PersonID, g.Kind, g.Waitlisted, g.Cancelled, g.Attended != nil && *g.Attended))
	}
	same(t, "registrations, session by session, first come first", regs, []string{
		"s-key g4 kim school waitlisted=false cancelled=false attended=false",
		"s-key g5 sue school waitlisted=false cancelled=false attended=false",
		"s-key g6 pat school waitlisted=false cancelled=true attended=false",
		"s-work g1 kim school waitlisted=false cancelled=false attended=true",
		"s-work g2 sam school waitlisted=true cancelled=false attended=false",
		"s-work g3 fay faculty waitlisted=true cancelled=false attended=false",
	})
	same(t, "registration count", f.Registrations.TotalCount, 6)
	same(t, "participation", f.Participation, []graph.SchoolParticipation{{SchoolID: "s1", Delegates: 1, Attended: 1}, {SchoolID: "s2", Delegates: 2}})
	same(t, "renewals", f.RenewalsDue, []graph.ForumRenewal{{SchoolID: "s1", AgreementID: "a1", LastSchoolYear: 2027}, {SchoolID: "s2", AgreementID: "a2", LastSchoolYear: 2027}})
	var practice []string
	for _, p := range f.Practice.nodes() {
		practice = append(practice, p.ID)
	}
	same(t, "the year's practice, newest first", practice, []string{"pr3", "pr2", "pr1"})
	same(t, "practice links", f.Practice.Edges[2].Node.Links, []string{"https://s1.example/ls"})
	same(t, "respondents", f.Feedback.Respondents, 2)
	same(t, "ratings, however few rated", f.Feedback.Ratings, []graph.FeedbackRating{{Question: "relevance", Average: ptr(4.5), Responses: 2}, {Question: "sharing", Average: ptr(2.0), Responses: 1}})
	var interests []string
	for _, i := range f.ExpressionsOfInterest.nodes() {
		interests = append(interests, i.ID+" "+i.Status)
	}
	same(t, "expressions of interest, oldest first", interests, []string{"i1 pending", "i2 accepted", "i3 declined"})
	same(t, "accepted school", f.ExpressionsOfInterest.Edges[1].Node.SchoolID, ptr("s9"))

	var comments forumViewData
	same(t, "comments errors", ask(t, c, &office, forumViewQuery(forumCommentsField), &comments), []string(nil))
	var said []string
	for _, n := range comments.Forum.Feedback.Comments.nodes() {
		said = append(said, n.RespondentID+" "+n.Question+": "+n.Text)
	}
	same(t, "comments, by respondent then question", said, []string{"k1 best: The workshop", "k1 improve: Longer sessions", "u1 best: Meeting schools"})
}

func TestGivenAForumYearWhenSchoolStaffReadTheForumThenTheySeeTheirOwnSchoolsRegistrationsParticipationAndRenewalsOnly(t *testing.T) {
	c := forumYear(t)
	for _, viewer := range []events.Actor{coordinator1, mentor1} {
		var v forumViewData
		codes := ask(t, c, &viewer, forumViewQuery(forumSessionsField, forumRegistrationsField, forumParticipationField, forumRenewalsField,
			forumPracticeField, forumFeedbackField), &v)
		same(t, string(viewer.Role)+" errors", codes, []string(nil))
		var regs []string
		for _, g := range v.Forum.Registrations.nodes() {
			regs = append(regs, g.ID)
		}
		same(t, string(viewer.Role)+" registrations", regs, []string{"g4", "g1"})
		same(t, string(viewer.Role)+" registration count", v.Forum.Registrations.TotalCount, 2)
		same(t, string(viewer.Role)+" participation", v.Forum.Participation, []graph.SchoolParticipation{{SchoolID: "s1", Delegates: 1, Attended: 1}})
		same(t, string(viewer.Role)+" renewals", v.Forum.RenewalsDue, []graph.ForumRenewal{{SchoolID: "s1", AgreementID: "a1", LastSchoolYear: 2027}})
		same(t, string(viewer.Role)+" sessions of the whole forum", len(v.Forum.Sessions), 2)
		same(t, string(viewer.Role)+" every school's practice", v.Forum.Practice.TotalCount, 3)
		same(t, string(viewer.Role)+" ratings without averages of fewer than three", v.Forum.Feedback.Ratings,
			[]graph.FeedbackRating{{Question: "relevance", Responses: 2}, {Question: "sharing", Responses: 1}})
	}
}

func TestGivenAQuestionRatedByThreeWhenSchoolStaffReadTheFeedbackThenTheySeeItsAverageButNotThatOfOneRatedByTwo(t *testing.T) {
	h := projectiontest.New(t, rmforum.Projection)
	h.Record(t, "forum", "forum-2027", office, forum.ForumScheduled{Year: 2027, Date: "2027-11-20", Venue: "Main hall", Theme: "Mentoring"})
	for _, r := range []struct {
		who     events.Actor
		ratings map[string]int
	}{
		{coordinator1, map[string]int{"relevance": 4, "sharing": 1}},
		{coordinator2, map[string]int{"relevance": 5, "sharing": 5}},
		{tutor, map[string]int{"relevance": 3}},
	} {
		h.Record(t, "forum", "feedback-2027-"+r.who.ID, r.who, forum.FeedbackSubmitted{Year: 2027, RespondentID: r.who.ID, SchoolID: r.who.SchoolID,
			Ratings: r.ratings})
	}
	c := readClient(h)
	for _, viewer := range []events.Actor{coordinator1, mentor2} {
		var v forumViewData
		same(t, string(viewer.Role)+" errors", ask(t, c, &viewer, forumViewQuery(forumFeedbackField), &v), []string(nil))
		same(t, string(viewer.Role)+" ratings", v.Forum.Feedback.Ratings, []graph.FeedbackRating{
			{Question: "relevance", Average: ptr(4.0), Responses: 3}, {Question: "sharing", Responses: 2}})
	}
	var v forumViewData
	same(t, "faculty errors", ask(t, c, &faculty, forumViewQuery(forumFeedbackField), &v), []string(nil))
	same(t, "faculty ratings", v.Forum.Feedback.Ratings, []graph.FeedbackRating{
		{Question: "relevance", Average: ptr(4.0), Responses: 3}, {Question: "sharing", Average: ptr(3.0), Responses: 2}})
}

func TestGivenEachRoleWhenItAsksForEachPartOfTheForumThenOnlyThoseWhoMaySeeItAreAnswered(t *testing.T) {
	c := forumYear(t)
	parts := []struct{ name, field string }{
		{"sessions", forumSessionsField}, {"practice", forumPracticeField}, {"registrations", forumRegistrationsField},
		{"participation", forumParticipationField}, {"renewals", forumRenewalsField}, {"feedback", forumFeedbackField},
		{"comments", forumCommentsField}, {"interests", forumInterestsField},
	}
	refused := map[events.Role][]string{
		events.RoleSchoolCoordinator: {"comments", "interests"},
		events.RoleMentor:            {"comments", "interests"},
		events.RoleStudentTeacher:    {"registrations", "participation", "renewals", "feedback", "comments", "interests"},
	}
	for _, viewer := range []events.Actor{office, faculty, tutor, coordinator2, mentor1, student} {
		for _, part := range parts {
			var v forumViewData
			codes := ask(t, c, &viewer, forumViewQuery(part.field), &v)
			var want []string
			if slices.Contains(refused[viewer.Role], part.name) {
				want = []string{"FORBIDDEN"}
			}
			same(t, string(viewer.Role)+" reading "+part.name, codes, want)
			if want == nil && v.Forum == nil {
				t.Errorf("%s reading %s: no forum", viewer.Role, part.name)
			}
		}
	}
	var v forumViewData
	same(t, "anonymous", ask(t, c, nil, forumViewQuery(), &v), []string{"UNAUTHENTICATED"})
	same(t, "a year with no forum", ask(t, c, &student, `{ forum(year: 2030) { year } }`, &v), []string(nil))
	if v.Forum != nil {
		t.Errorf("forum of 2030 = %+v, want null", v.Forum)
	}
}

func TestGivenAForumYearWhenItsListsAreReadAPageAtATimeThenEachPageFollowsTheLast(t *testing.T) {
	c := forumYear(t)
	type node struct{ ID, RespondentID, Question string }
	type lists struct {
		Forum struct {
			Registrations, Practice, ExpressionsOfInterest page[node]
			Feedback                                       struct{ Comments page[node] }
		}
	}
	// read follows a list two at a time: list is the query's path to it,
	// with %s where its arguments go.
	read := func(list, args, nodes string, pick func(lists) page[node]) (ids []string) {
		t.Helper()
		after := ""
		for {
			var v lists
			q := fmt.Sprintf(list, "first: 2"+args+after, "totalCount pageInfo { hasNextPage endCursor } edges { cursor node { "+nodes+" } }")
			same(t, q, ask(t, c, &office, "{ forum(year: 2027) { "+q+" } }", &v), []string(nil))
			p := pick(v)
			if len(p.Edges) > 2 || (p.PageInfo.HasNextPage && len(p.Edges) != 2) {
				t.Fatalf("%s: page of %d", q, len(p.Edges))
			}
			for _, n := range p.nodes() {
				ids = append(ids, n.ID+n.RespondentID+n.Question)
			}
			if !p.PageInfo.HasNextPage {
				return ids
			}
			after = fmt.Sprintf(", after: %q", *p.PageInfo.EndCursor)
		}
	}
	registrations := func(v lists) page[node] { return v.Forum.Registrations }
	practice := func(v lists) page[node] { return v.Forum.Practice }
	interests := func(v lists) page[node] { return v.Forum.ExpressionsOfInterest }
	comments := func(v lists) page[node] { return v.Forum.Feedback.Comments }
	same(t, "registrations", read("registrations(%s) { %s }", "", "id", registrations), []string{"g4", "g5", "g6", "g1", "g2", "g3"})
	same(t, "one session's registrations", read("registrations(%s) { %s }", `, sessionId: "s-work"`, "id", registrations), []string{"g1", "g2", "g3"})
	same(t, "practice", read("practice(%s) { %s }", "", "id", practice), []string{"pr3", "pr2", "pr1"})
	same(t, "English practice", read("practice(%s) { %s }", `, subject: "English"`, "id", practice), []string{"pr3", "pr1"})
	same(t, "practice searched", read("practice(%s) { %s }", `, search: "MENTORS weekly"`, "id", practice), []string{"pr2"})
	same(t, "interests", read("expressionsOfInterest(%s) { %s }", "", "id", interests), []string{"i1", "i2", "i3"})
	same(t, "pending interests", read("expressionsOfInterest(%s) { %s }", `, status: "pending"`, "id", interests), []string{"i1"})
	same(t, "comments", read("feedback { comments(%s) { %s } }", "", "respondentId question", comments), []string{"k1best", "k1improve", "u1best"})
}

func TestGivenBadListArgumentsWhenTheForumIsReadThenTheyAreRefusedNamingTheArgument(t *testing.T) {
	c := forumYear(t)
	for query, want := range map[string]string{
		`registrations(first: 0) { totalCount }`:                                                         "VALIDATION first",
		`practice(first: 201) { totalCount }`:                                                            "VALIDATION first",
		`registrations(after: "not a cursor") { totalCount }`:                                            "VALIDATION after",
		`practice(after: "WyJ4Il0") { totalCount }`:                                                      "VALIDATION after", // ["x"]: one part of two
		`practice(after: "WyJub3QgYSB0aW1lIiwieCJd") { totalCount }`:                                     "VALIDATION after", // ["not a time","x"]
		`expressionsOfInterest(status: "maybe") { totalCount }`:                                          "VALIDATION status",
		`registrations(after: "WyJzLWtleSIsIjIwMjctMDktMDFUMDk6MDA6MDBaIiwiXHUwMDAwIl0") { totalCount }`: "VALIDATION after", // ["s-key","2027-09-01T09:00:00Z","\u0000"]
		fmt.Sprintf(`practice(search: %q) { totalCount }`, strings.Repeat("a", 201)):                     "VALIDATION search",
		fmt.Sprintf(`practice(search: %q) { totalCount }`, strings.Repeat("ab ", 11)):                    "VALIDATION search",
	} {
		var v forumViewData
		same(t, query, ask(t, c, &office, `{ forum(year: 2027) { `+query+` } }`, &v), []string{want})
	}
}
