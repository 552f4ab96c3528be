package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	em "wsms/events/mentoring"
	"wsms/mentoring/domain"
	"wsms/platform/eventstore"
)

// world is a placement year played through the gateway: two partner
// schools, a published round, a confirmed placement with its mentor, and
// the people who act in it, each with their token.
type world struct {
	today                  time.Time // in Hong Kong, where the partnership's days are counted
	year                   int
	round                  string
	host, other            string // schools: the host of the confirmed placement, and another
	hostAgreement          string
	mentor, teacher        string // teachers of the host school: the trained mentor, and one who only observes
	otherMentor            string // the other school's mentor
	confirmed, reallocated string // student-teachers: the one the host confirmed, the one the other school declined
	maths, unplaced        string // the one still proposed at the host, the one no school could take
	tutor                  string
	record                 string // the confirmed placement's mentoring record

	office, faculty, tutorOf, hostCoordinator, otherCoordinator, mentorOf, studentOf events.Actor
	tokens                                                                           map[events.Role]string // one person of each role, acting in the host's placement
}

// date is the day n days from today, as the services write days.
func (w world) date(n int) string { return w.today.AddDate(0, 0, n).Format("2006-01-02") }

// windowFrom and windowTo bound the round's one practicum window.
const windowFrom, windowTo = 30, 80

// newWorld names everyone, before anything is recorded.
func newWorld(t *testing.T) world {
	today := time.Now().In(time.FixedZone("HKT", 8*3600))
	w := world{today: today, year: today.Year(), round: uuid.NewString(), host: uuid.NewString(), other: uuid.NewString(),
		hostAgreement: uuid.NewString(), mentor: uuid.NewString(), teacher: uuid.NewString(), otherMentor: uuid.NewString(),
		confirmed: uuid.NewString(), reallocated: uuid.NewString(), maths: uuid.NewString(), unplaced: uuid.NewString(), tutor: uuid.NewString()}
	w.record = em.RecordIDFor(w.round, w.confirmed)
	w.office = events.Actor{ID: "office-1", Role: events.RoleOffice}
	w.faculty = events.Actor{ID: "faculty-1", Role: events.RoleFaculty}
	w.tutorOf = events.Actor{ID: w.tutor, Role: events.RoleTutor}
	w.hostCoordinator = events.Actor{ID: "mary.chan", Role: events.RoleSchoolCoordinator, SchoolID: w.host}
	w.otherCoordinator = events.Actor{ID: "grace.ho", Role: events.RoleSchoolCoordinator, SchoolID: w.other}
	w.mentorOf = events.Actor{ID: w.mentor, Role: events.RoleMentor, SchoolID: w.host}
	w.studentOf = events.Actor{ID: w.confirmed, Role: events.RoleStudentTeacher}
	w.tokens = map[events.Role]string{}
	for _, a := range []events.Actor{w.office, w.faculty, w.tutorOf, w.hostCoordinator, w.mentorOf, w.studentOf} {
		w.tokens[a.Role] = token(t, a)
	}
	return w
}

// playRound plays a placement round through the gateway, checking each
// step the services answer: schools registered with agreements, mentors
// named and trained, the round opened, places offered, student-teachers
// registered with their preferences, the allocation run and published, one
// placement confirmed, one declined and re-allocated, and a mentor assigned
// to the confirmed one. It returns once the mentoring record of the
// confirmed placement names its mentor.
func playRound(t *testing.T, g gatewaySystem) world {
	t.Helper()
	w := newWorld(t)
	office, faculty := w.tokens[events.RoleOffice], w.tokens[events.RoleFaculty]
	host, other := w.tokens[events.RoleSchoolCoordinator], token(t, w.otherCoordinator)

	for _, s := range []struct{ id, name, district, contact, agreement string }{
		{w.host, "St. Clare's Girls' School", "Central and Western", "Mary Chan", w.hostAgreement},
		{w.other, "Shatin Methodist College", "Sha Tin", "Grace Ho", uuid.NewString()},
	} {
		g.do(t, office, "registerSchool", map[string]any{"schoolId": s.id, "name": s.name, "district": s.district, "level": "secondary",
			"contact": map[string]any{"name": s.contact, "email": "coordinator@example.edu.hk"}})
		g.do(t, office, "signPartnershipAgreement", map[string]any{"schoolId": s.id, "agreementId": s.agreement, "firstSchoolYear": w.year,
			"coreSubjects": []string{"English", "Mathematics"}, "englishKla": true})
	}
	for _, m := range []struct {
		token, school, teacher, name string
		subjects                     []string
	}{
		{host, w.host, w.mentor, "Alice Lee", []string{"English", "Mathematics"}},
		{host, w.host, w.teacher, "Ben Wong", nil},
		{other, w.other, w.otherMentor, "Carol Ho", []string{"English"}},
	} {
		g.do(t, m.token, "addTeacher", map[string]any{"schoolId": m.school, "teacherId": m.teacher, "name": m.name, "email": "teacher@example.edu.hk"})
		if m.subjects == nil {
			continue
		}
		g.do(t, m.token, "nameTeacherMentor", map[string]any{"schoolId": m.school, "teacherId": m.teacher, "subjects": m.subjects})
		g.do(t, faculty, "recordMentorTraining", map[string]any{"teacherId": m.teacher, "schoolId": m.school, "course": "Quality Mentoring",
			"level": "I", "issuer": "Faculty of Education", "completedOn": w.date(-200), "certificateId": "QM-" + m.teacher[:8], "expiresOn": w.date(1000)})
	}

	g.do(t, office, "openPlacementRound", map[string]any{"roundId": w.round, "name": fmt.Sprintf("%d/%02d Block Practice", w.year, (w.year+1)%100),
		"schoolYear": w.year, "windows": []any{map[string]any{"from": w.date(windowFrom), "to": w.date(windowTo), "name": "Block practice"}},
		"offerDeadline": w.date(7), "preferenceDeadline": w.date(14)})
	g.do(t, host, "offerPlaces", map[string]any{"roundId": w.round, "schoolId": w.host, "offers": []any{
		map[string]any{"subject": "English", "places": 2, "mentorIds": []string{w.mentor}},
		map[string]any{"subject": "Mathematics", "places": 1, "mentorIds": []string{w.mentor}}}})
	g.do(t, other, "offerPlaces", map[string]any{"roundId": w.round, "schoolId": w.other, "offers": []any{
		map[string]any{"subject": "English", "places": 2, "mentorIds": []string{w.otherMentor}}}})

	for _, s := range []struct {
		id, name, level, subject string
		prefs                    []string
	}{
		{w.confirmed, "Chan Tai Man", "secondary", "English", []string{w.host, w.other}},
		{w.reallocated, "Wong Siu Ming", "secondary", "English", []string{w.other, w.host}},
		{w.maths, "Lee Ka Yan", "secondary", "Mathematics", []string{w.host}},
		{w.unplaced, "Ho Wing Sze", "primary", "English", nil},
	} {
		g.do(t, office, "registerStudentTeacher", map[string]any{"roundId": w.round, "studentId": s.id, "name": s.name,
			"email": "student@example.hku.hk", "level": s.level, "subjects": []string{s.subject}, "homeDistrict": "Kowloon City"})
		if s.prefs != nil {
			me := token(t, events.Actor{ID: s.id, Role: events.RoleStudentTeacher})
			g.do(t, me, "submitPreferences", map[string]any{"roundId": w.round, "studentId": s.id, "schoolIds": s.prefs})
		}
	}
	g.do(t, office, "runAllocation", map[string]any{"roundId": w.round})
	g.do(t, office, "publishAllocation", map[string]any{"roundId": w.round})
	g.do(t, host, "confirmPlacement", map[string]any{"roundId": w.round, "studentId": w.confirmed})
	g.do(t, other, "declinePlacement", map[string]any{"roundId": w.round, "studentId": w.reallocated, "reason": "The English panel is on a study tour"})

	// The placement service learns of mentor training from the mentoring
	// service's stream: until it has, the mentor is refused as untrained.
	eventually(t, "the mentor is assigned once the placement service knows of the training", func() bool {
		errs := g.try(t, host, "assignMentor", map[string]any{"roundId": w.round, "studentId": w.confirmed, "teacherId": w.mentor})
		if len(errs) > 0 && errs[0].Extensions.Rule != "mentor_training" {
			t.Fatalf("assignMentor: %+v", errs)
		}
		return len(errs) == 0
	})
	records := eventstore.New(g.db, "mentoring")
	eventually(t, "the confirmed placement's mentoring record names its mentor", func() bool {
		evs, err := records.Load(context.Background(), domain.RecordStream(w.record))
		return err == nil && slices.ContainsFunc(evs, func(e events.Envelope) bool { return e.Type == em.RecordMentorAssignedV1 })
	})
	return w
}

// TestPlacementRoundReadsBackThroughTheRoundViewAndTheDashboards plays a
// round through the gateway and reads it back: the round view shows each
// student-teacher's outcome with its explanation and the decline; the
// host's dashboard its places, hosted student-teachers and mentor; the
// declining school's dashboard its decline; the faculty's dashboard the fill
// rate by subject, the English places and the student-teacher left unplaced.
func TestPlacementRoundReadsBackThroughTheRoundViewAndTheDashboards(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	w := playRound(t, g)
	office, host := w.tokens[events.RoleOffice], w.tokens[events.RoleSchoolCoordinator]

	// Read-your-writes: the receipt's query already shows the confirmation,
	// with no waiting on the client's side.
	type registrations struct {
		PlacementRound struct {
			Registrations struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						StudentID string `json:"studentId"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"registrations"`
		} `json:"placementRound"`
	}
	confirmed := doThen[registrations](t, g, host, "confirmPlacement", map[string]any{"roundId": w.round, "studentId": w.reallocated},
		fmt.Sprintf(`placementRound(id: %q) { registrations(status: CONFIRMED) { totalCount edges { node { studentId } } } }`, w.round))
	if got := confirmed.PlacementRound.Registrations; got.TotalCount != 2 {
		t.Errorf("confirmed registrations read with the confirmation: %+v, want both confirmed placements", got)
	}
	g.caughtUp(t)

	type roundView struct {
		PlacementRound struct {
			Status  string `json:"status"`
			Summary struct {
				Placed    int `json:"placed"`
				WorstRank int `json:"worstRank"`
			} `json:"summary"`
			Offers []struct {
				SchoolID string `json:"schoolId"`
				Subjects []struct {
					Subject string `json:"subject"`
					Places  int    `json:"places"`
					Filled  int    `json:"filled"`
				} `json:"subjects"`
			} `json:"offers"`
			Registrations struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						StudentID      string  `json:"studentId"`
						Status         string  `json:"status"`
						UnplacedReason *string `json:"unplacedReason"`
						Placement      *struct {
							SchoolID string  `json:"schoolId"`
							Subject  string  `json:"subject"`
							Rank     int     `json:"rank"`
							MentorID *string `json:"mentorId"`
						} `json:"placement"`
						Explanation *struct {
							Rank      int `json:"rank"`
							NotChosen []struct {
								SchoolID string `json:"schoolId"`
								Reason   string `json:"reason"`
							} `json:"notChosen"`
						} `json:"explanation"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"registrations"`
			Declines []struct {
				StudentID string `json:"studentId"`
				SchoolID  string `json:"schoolId"`
				Reason    string `json:"reason"`
			} `json:"declines"`
		} `json:"placementRound"`
	}
	v := read[roundView](t, g, office, `query($id: ID!) { placementRound(id: $id) {
		status summary { placed worstRank }
		offers { schoolId subjects { subject places filled } }
		registrations { totalCount edges { node { studentId status unplacedReason
			placement { schoolId subject rank mentorId }
			explanation { rank notChosen { schoolId reason } } } } }
		declines { studentId schoolId reason } } }`, map[string]any{"id": w.round}).PlacementRound
	if v.Status != "PUBLISHED" || v.Summary.Placed != 3 || v.Summary.WorstRank != 1 {
		t.Errorf("round status %s, summary %+v; want PUBLISHED with 3 placed at their first choice", v.Status, v.Summary)
	}
	filled := map[string]int{}
	for _, o := range v.Offers {
		for _, s := range o.Subjects {
			filled[o.SchoolID+"/"+s.Subject] = s.Filled
		}
	}
	if want := map[string]int{w.host + "/English": 2, w.host + "/Mathematics": 1, w.other + "/English": 0}; fmt.Sprint(filled) != fmt.Sprint(want) {
		t.Errorf("places filled %v, want %v", filled, want)
	}
	if v.Registrations.TotalCount != 4 {
		t.Errorf("%d registrations, want 4", v.Registrations.TotalCount)
	}
	for _, e := range v.Registrations.Edges {
		r := e.Node
		switch r.StudentID {
		case w.confirmed:
			if r.Status != "CONFIRMED" || r.Placement == nil || r.Placement.SchoolID != w.host || r.Placement.MentorID == nil || *r.Placement.MentorID != w.mentor {
				t.Errorf("confirmed student-teacher %+v, want confirmed at the host with the mentor", r)
			}
		case w.reallocated:
			if r.Status != "CONFIRMED" || r.Placement == nil || r.Placement.SchoolID != w.host || r.Placement.Rank != 2 {
				t.Errorf("re-allocated student-teacher %+v, want placed at their second choice, the host, and confirmed", r)
			}
			if r.Explanation == nil || r.Explanation.Rank != 2 || len(r.Explanation.NotChosen) != 1 || r.Explanation.NotChosen[0].SchoolID != w.other {
				t.Errorf("re-allocated student-teacher's explanation %+v, want rank 2 with the declining school not chosen", r.Explanation)
			}
		case w.maths:
			if r.Status != "PUBLISHED" || r.Placement == nil || r.Placement.Subject != "Mathematics" {
				t.Errorf("mathematics student-teacher %+v, want a published placement in Mathematics", r)
			}
		case w.unplaced:
			if r.Status != "UNPLACED" || r.Placement != nil || r.UnplacedReason == nil || *r.UnplacedReason == "" {
				t.Errorf("primary student-teacher %+v, want unplaced with a reason", r)
			}
		}
	}
	if len(v.Declines) != 1 || v.Declines[0].StudentID != w.reallocated || v.Declines[0].SchoolID != w.other || v.Declines[0].Reason == "" {
		t.Errorf("declines %+v, want the other school's one with its reason", v.Declines)
	}

	type subjectPlaces struct {
		Subject   string `json:"subject"`
		Offered   int    `json:"offered"`
		Allocated int    `json:"allocated"`
		Confirmed int    `json:"confirmed"`
		Declined  int    `json:"declined"`
	}
	type schoolDashboard struct {
		SchoolDashboard struct {
			Round       struct{ ID string } `json:"round"`
			Partnership struct {
				AgreementID string `json:"agreementId"`
				YearOfTerm  *int   `json:"yearOfTerm"`
			} `json:"partnership"`
			Places          []subjectPlaces `json:"places"`
			StudentTeachers []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
				Mentor *struct {
					ID   string  `json:"id"`
					Name *string `json:"name"`
				} `json:"mentor"`
			} `json:"studentTeachers"`
		} `json:"schoolDashboard"`
	}
	const dashboard = `query($school: ID!, $round: ID) { schoolDashboard(schoolId: $school, roundId: $round) {
		round { id } partnership { agreementId yearOfTerm }
		places { subject offered allocated confirmed declined }
		studentTeachers { id status mentor { id name } } } }`
	d := read[schoolDashboard](t, g, host, dashboard, map[string]any{"school": w.host, "round": w.round}).SchoolDashboard
	if d.Round.ID != w.round || d.Partnership.AgreementID != w.hostAgreement || d.Partnership.YearOfTerm == nil || *d.Partnership.YearOfTerm != 1 {
		t.Errorf("host dashboard round %s, partnership %+v; want the round in the first year of the host's agreement", d.Round.ID, d.Partnership)
	}
	wantPlaces := []subjectPlaces{{"English", 2, 2, 2, 0}, {"Mathematics", 1, 1, 0, 0}}
	if fmt.Sprint(d.Places) != fmt.Sprint(wantPlaces) {
		t.Errorf("host places %+v, want %+v", d.Places, wantPlaces)
	}
	hosted := map[string]string{}
	for _, s := range d.StudentTeachers {
		hosted[s.ID] = s.Status
		if s.ID == w.confirmed && (s.Mentor == nil || s.Mentor.ID != w.mentor || s.Mentor.Name == nil || *s.Mentor.Name != "Alice Lee") {
			t.Errorf("hosted student-teacher %+v, want Alice Lee as mentor", s)
		}
	}
	if want := map[string]string{w.confirmed: "confirmed", w.reallocated: "confirmed", w.maths: "published"}; fmt.Sprint(hosted) != fmt.Sprint(want) {
		t.Errorf("hosted student-teachers %v, want %v", hosted, want)
	}
	od := read[schoolDashboard](t, g, office, dashboard, map[string]any{"school": w.other, "round": w.round}).SchoolDashboard
	if want := []subjectPlaces{{"English", 2, 0, 0, 1}}; fmt.Sprint(od.Places) != fmt.Sprint(want) || len(od.StudentTeachers) != 0 {
		t.Errorf("declining school's places %+v and student-teachers %+v, want %+v and none", od.Places, od.StudentTeachers, want)
	}

	type facultyDashboard struct {
		FacultyDashboard struct {
			FillRate []struct {
				Subject   string  `json:"subject"`
				Offered   int     `json:"offered"`
				Placed    int     `json:"placed"`
				Confirmed int     `json:"confirmed"`
				Rate      float64 `json:"rate"`
			} `json:"fillRate"`
			EnglishPlaces struct {
				Offered int `json:"offered"`
				Placed  int `json:"placed"`
			} `json:"englishPlaces"`
			Unplaced []struct {
				ID     string `json:"id"`
				Reason string `json:"reason"`
			} `json:"unplaced"`
		} `json:"facultyDashboard"`
	}
	f := read[facultyDashboard](t, g, w.tokens[events.RoleFaculty], `query($round: ID!) { facultyDashboard(roundId: $round) {
		fillRate { subject offered placed confirmed rate } englishPlaces { offered placed } unplaced { id reason } } }`,
		map[string]any{"round": w.round}).FacultyDashboard
	if want := "[{English 4 2 2 0.5} {Mathematics 1 1 0 1}]"; fmt.Sprint(f.FillRate) != want {
		t.Errorf("fill rate %+v, want %s", f.FillRate, want)
	}
	if f.EnglishPlaces.Offered != 4 || f.EnglishPlaces.Placed != 2 {
		t.Errorf("English places %+v, want 2 of 4 placed", f.EnglishPlaces)
	}
	if len(f.Unplaced) != 1 || f.Unplaced[0].ID != w.unplaced || f.Unplaced[0].Reason == "" {
		t.Errorf("unplaced %+v, want the primary student-teacher with a reason", f.Unplaced)
	}
}
