package e2e_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"wsms/events"
	fd "wsms/forum/domain"
)

// forumYear is what happened at the world's partnership forum.
type forumYear struct {
	interest, newSchool          string
	session                      string
	cancelled, faculty, promoted string // registrations
	// The session's places as the receipt of the registration that had to
	// wait read them (read-your-writes).
	placesOnWaiting []sessionPlaces
}

// sessionPlaces are a session's places taken and waited for.
type sessionPlaces struct {
	Registered int `json:"registered"`
	Waitlisted int `json:"waitlisted"`
}

// scheduleForum schedules the world's forum for today, with one session of
// two places presented by the host school.
func scheduleForum(t *testing.T, g gatewaySystem, w world) (session string) {
	t.Helper()
	office := w.tokens[events.RoleOffice]
	session = uuid.NewString()
	g.do(t, office, "scheduleForum", map[string]any{"year": w.year, "date": w.date(0), "venue": "Meng Wah Complex", "theme": "Every teacher a mentor"})
	g.do(t, office, "addForumSession", map[string]any{"year": w.year, "sessionId": session, "title": "Lesson study triads", "format": "sharing",
		"presenterSchoolId": w.host, "presenter": "Mary Chan", "capacity": 2})
	return session
}

// register registers a delegate for the session and returns the registration.
func register(t *testing.T, g gatewaySystem, w world, tok, session, kind, school string) string {
	t.Helper()
	id := uuid.NewString()
	g.do(t, tok, "registerForForum", map[string]any{"year": w.year, "sessionId": session, "registrationId": id, "personId": uuid.NewString(),
		"name": "Delegate " + id[:4], "kind": kind, "schoolId": school})
	return id
}

// expressInterest records a school outside the partnership asking to join.
func expressInterest(t *testing.T, g gatewaySystem, w world) string {
	t.Helper()
	id := uuid.NewString()
	g.do(t, w.tokens[events.RoleOffice], "expressInterest", map[string]any{"interestId": id, "schoolName": "Kowloon True Light School",
		"district": "Kowloon City", "level": "secondary", "contact": map[string]any{"name": "Ada Wong", "email": "ada.wong@example.edu.hk"},
		"subjects": []string{"English", "Mathematics"}, "placesOffered": 6})
	return id
}

// playForum plays the world's forum year through the gateway: a school
// outside the partnership is accepted and registered by the process
// manager; the forum is scheduled with one session of two places; the host
// registers a delegate, the faculty one, the other school one who waits (its
// receipt reading the session's places); the host cancels and the waiting delegate gets the
// place; attendance, shared practice and feedback are recorded.
func playForum(t *testing.T, g gatewaySystem, w world) forumYear {
	t.Helper()
	office, faculty, host, mentor := w.tokens[events.RoleOffice], w.tokens[events.RoleFaculty], w.tokens[events.RoleSchoolCoordinator], w.tokens[events.RoleMentor]
	f := forumYear{interest: expressInterest(t, g, w)}
	f.newSchool = fd.SchoolIDFor(f.interest)
	g.do(t, office, "reviewExpressionOfInterest", map[string]any{"interestId": f.interest, "accept": true, "reason": "Strong English panel"})
	type school struct {
		School *struct {
			Name       string `json:"name"`
			Agreements []struct {
				Draft bool `json:"draft"`
			} `json:"agreements"`
		} `json:"school"`
	}
	eventually(t, "the accepted school is a partner with a draft agreement", func() bool {
		data, errs := g.gql(t, office, `query($id: ID!) { school(id: $id) { name agreements { draft } } }`, map[string]any{"id": f.newSchool})
		var s school
		if len(errs) > 0 || json.Unmarshal(data, &s) != nil || s.School == nil {
			return false
		}
		return s.School.Name == "Kowloon True Light School" && len(s.School.Agreements) == 1 && s.School.Agreements[0].Draft
	})

	f.session = scheduleForum(t, g, w)
	f.cancelled = register(t, g, w, host, f.session, "school", w.host)
	f.faculty = register(t, g, w, faculty, f.session, "faculty", "")
	// The session is full: the other school's delegate waits, as the
	// receipt's read shows at once.
	f.promoted = uuid.NewString()
	type sessions struct {
		Forum struct {
			Sessions []sessionPlaces `json:"sessions"`
		} `json:"forum"`
	}
	f.placesOnWaiting = doThen[sessions](t, g, token(t, w.otherCoordinator), "registerForForum", map[string]any{"year": w.year, "sessionId": f.session,
		"registrationId": f.promoted, "personId": uuid.NewString(), "name": "Grace Ho", "kind": "school", "schoolId": w.other},
		fmt.Sprintf(`forum(year: %d) { sessions { registered waitlisted } }`, w.year)).Forum.Sessions
	g.do(t, host, "cancelRegistration", map[string]any{"year": w.year, "sessionId": f.session, "registrationId": f.cancelled})
	g.do(t, office, "recordAttendance", map[string]any{"year": w.year, "sessionId": f.session, "registrationId": f.promoted, "attended": true})
	g.do(t, faculty, "recordAttendance", map[string]any{"year": w.year, "sessionId": f.session, "registrationId": f.faculty, "attended": false})
	g.do(t, mentor, "sharePractice", map[string]any{"practiceId": uuid.NewString(), "schoolId": w.host, "year": w.year, "title": "Lesson study triads",
		"summary": "Three teachers plan, teach and review one lesson with the student-teacher.", "subject": "English"})
	for _, r := range []struct {
		actor  events.Actor
		rating int
	}{{w.mentorOf, 5}, {w.faculty, 3}} {
		g.do(t, token(t, r.actor), "submitFeedback", map[string]any{"year": w.year, "respondentId": r.actor.ID,
			"ratings": map[string]any{"relevance": r.rating, "organisation": 4}, "comments": map[string]any{"best": "The triads"}})
	}
	return f
}

// TestAForumYearReadsBackThroughTheForumView plays a forum year and reads it
// back through forum(year): the session's places, the registrations with
// the cancellation, promotion and attendance, each school's participation,
// shared practice by subject, the feedback and the accepted expression of
// interest; the faculty's dashboard shows the attendance too.
func TestAForumYearReadsBackThroughTheForumView(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	w := playRound(t, g)
	f := playForum(t, g, w)
	// Read-your-writes: the receipt read the forum once it showed the
	// registration, with no waiting on the client's side.
	if s := f.placesOnWaiting; len(s) != 1 || s[0] != (sessionPlaces{Registered: 2, Waitlisted: 1}) {
		t.Errorf("sessions read with the third registration's receipt: %+v, want 2 registered and 1 waiting", s)
	}
	g.caughtUp(t)

	type view struct {
		Forum struct {
			Theme    string `json:"theme"`
			Sessions []struct {
				ID         string `json:"id"`
				Registered int    `json:"registered"`
				Waitlisted int    `json:"waitlisted"`
				Attended   int    `json:"attended"`
			} `json:"sessions"`
			Registrations struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						ID         string `json:"id"`
						Waitlisted bool   `json:"waitlisted"`
						Cancelled  bool   `json:"cancelled"`
						Attended   *bool  `json:"attended"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"registrations"`
			Participation []struct {
				SchoolID  string `json:"schoolId"`
				Delegates int    `json:"delegates"`
				Attended  int    `json:"attended"`
			} `json:"participation"`
			Practice struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						SchoolID string `json:"schoolId"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"practice"`
			Feedback struct {
				Respondents int `json:"respondents"`
				Ratings     []struct {
					Question  string  `json:"question"`
					Average   float64 `json:"average"`
					Responses int     `json:"responses"`
				} `json:"ratings"`
				Comments struct {
					TotalCount int `json:"totalCount"`
				} `json:"comments"`
			} `json:"feedback"`
			ExpressionsOfInterest struct {
				Edges []struct {
					Node struct {
						ID       string `json:"id"`
						Status   string `json:"status"`
						SchoolID string `json:"schoolId"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"expressionsOfInterest"`
		} `json:"forum"`
	}
	v := read[view](t, g, w.tokens[events.RoleOffice], `query($year: Int!) { forum(year: $year) {
		theme sessions { id registered waitlisted attended }
		registrations { totalCount edges { node { id waitlisted cancelled attended } } }
		participation { schoolId delegates attended }
		practice(subject: "English") { totalCount edges { node { schoolId } } }
		feedback { respondents ratings { question average responses } comments { totalCount } }
		expressionsOfInterest { edges { node { id status schoolId } } } } }`, map[string]any{"year": w.year}).Forum
	if v.Theme != "Every teacher a mentor" || len(v.Sessions) != 1 {
		t.Fatalf("forum %q with sessions %+v", v.Theme, v.Sessions)
	}
	if s := v.Sessions[0]; s.ID != f.session || s.Registered != 2 || s.Waitlisted != 0 || s.Attended != 1 {
		t.Errorf("session %+v, want 2 registered, none waiting, 1 attended", s)
	}
	regs := map[string]string{}
	for _, e := range v.Registrations.Edges {
		n := e.Node
		regs[n.ID] = fmt.Sprintf("waitlisted=%t cancelled=%t attended=%v", n.Waitlisted, n.Cancelled, fmtBool(n.Attended))
	}
	want := map[string]string{
		f.cancelled: "waitlisted=false cancelled=true attended=null",
		f.faculty:   "waitlisted=false cancelled=false attended=false",
		f.promoted:  "waitlisted=false cancelled=false attended=true",
	}
	if fmt.Sprint(regs) != fmt.Sprint(want) {
		t.Errorf("registrations %v, want %v", regs, want)
	}
	for _, p := range v.Participation {
		if p.SchoolID == w.other && (p.Delegates != 1 || p.Attended != 1) || p.SchoolID == w.host && (p.Delegates != 0 || p.Attended != 0) {
			t.Errorf("participation %+v: the other school has one delegate who came, the host none after cancelling", p)
		}
	}
	if v.Practice.TotalCount != 1 || v.Practice.Edges[0].Node.SchoolID != w.host {
		t.Errorf("English practice %+v, want the host's", v.Practice)
	}
	ratings := map[string]string{}
	for _, r := range v.Feedback.Ratings {
		ratings[r.Question] = fmt.Sprintf("%.1f/%d", r.Average, r.Responses)
	}
	if v.Feedback.Respondents != 2 || ratings["relevance"] != "4.0/2" || ratings["organisation"] != "4.0/2" || v.Feedback.Comments.TotalCount != 2 {
		t.Errorf("feedback %+v, want 2 respondents averaging 4 on relevance and organisation, with 2 comments", v.Feedback)
	}
	if e := v.ExpressionsOfInterest.Edges; len(e) != 1 || e[0].Node.ID != f.interest || e[0].Node.Status != "accepted" || e[0].Node.SchoolID != f.newSchool {
		t.Errorf("expressions of interest %+v, want the accepted one with its new school", e)
	}

	type participation struct {
		SchoolDashboard struct {
			ForumParticipation []struct {
				Year       int `json:"year"`
				Registered int `json:"registered"`
				Attended   int `json:"attended"`
			} `json:"forumParticipation"`
		} `json:"schoolDashboard"`
	}
	p := read[participation](t, g, token(t, w.otherCoordinator), `query($school: ID!, $round: ID) { schoolDashboard(schoolId: $school, roundId: $round) {
		forumParticipation { year registered attended } } }`, map[string]any{"school": w.other, "round": w.round}).SchoolDashboard.ForumParticipation
	if len(p) != 1 || p[0].Year != w.year || p[0].Registered != 1 || p[0].Attended != 1 {
		t.Errorf("the other school's forum participation %+v, want its one delegate, who came", p)
	}

	type attendance struct {
		FacultyDashboard struct {
			ForumAttendance *struct {
				Year       int `json:"year"`
				Registered int `json:"registered"`
				Attended   int `json:"attended"`
				Schools    int `json:"schools"`
			} `json:"forumAttendance"`
		} `json:"facultyDashboard"`
	}
	a := read[attendance](t, g, w.tokens[events.RoleFaculty], `query($round: ID!) { facultyDashboard(roundId: $round) {
		forumAttendance { year registered attended schools } } }`, map[string]any{"round": w.round}).FacultyDashboard.ForumAttendance
	if a == nil || a.Year != w.year || a.Registered != 2 || a.Attended != 1 || a.Schools != 1 {
		t.Errorf("faculty dashboard forum attendance %+v, want 2 registered, 1 attended from 1 school", a)
	}
}

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}
