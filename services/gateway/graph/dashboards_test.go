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
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/gateway/graph"
	rmforum "wsms/projections/forum"
	rmmentoring "wsms/projections/mentoring"
	rmplacements "wsms/projections/placements"
	"wsms/projections/projectiontest"
)

// The dashboards' tests record placement, mentoring and forum events
// through the real projections into one database (one projectiontest
// harness), then ask through the real executable schema.

// Ids of the dashboards' world: four partner schools, two rounds.
const (
	dsS1, dsS2, dsS3, dsS4 = "s1", "s2", "s3", "s4"
	dsR0, dsR1             = "r0", "r1"
)

// dsWorld is a 2027/28 round (and the 2026/27 one before it, in the same
// partnership term of Kowloon Primary) with four partner schools, their
// placements, mentoring records and forum years. It returns the world and
// when the open concern about Amy was raised.
func dsWorld(t *testing.T) (*projectiontest.Harness, time.Time) {
	t.Helper()
	w := projectiontest.New(t, rmplacements.Projection, rmmentoring.Projection, rmforum.Projection)

	school := func(id, name, district string, level placement.Level, agreement string, first int) {
		w.Record(t, "placement", "school-"+id, office,
			placement.SchoolRegistered{SchoolID: id, Name: name, District: district, Level: level, Contact: placement.Contact{Name: "Contact", Email: id + "@school.hk"}},
			placement.PartnershipAgreementSigned{SchoolID: id, AgreementID: agreement, FirstSchoolYear: first, Years: 3,
				CoreSubjects: []string{"English Language"}, MinPlaces: 2, MaxPlaces: 8, EnglishKLA: true})
	}
	school(dsS1, "Kowloon Primary", "Kowloon City", placement.Primary, "a1", 2026)
	school(dsS2, "Sha Tin Secondary", "Sha Tin", placement.Secondary, "a2", 2025)
	school(dsS3, "Tai Po Primary", "Tai Po", placement.Primary, "a3", 2024)
	school(dsS4, "Yuen Long Primary", "Yuen Long", placement.Primary, "a4", 2024)
	w.Record(t, "placement", "school-"+dsS4, office, placement.PartnershipAgreementEnded{SchoolID: dsS4, AgreementID: "a4", EndedOn: "2026-07-31", Reason: "merged"})
	w.Record(t, "placement", "school-"+dsS1, coordinator1,
		placement.TeacherAdded{SchoolID: dsS1, TeacherID: "t1", Name: "Mr Chan", Email: "chan@s1.hk"},
		placement.TeacherAdded{SchoolID: dsS1, TeacherID: "t2", Name: "Ms Lam", Email: "lam@s1.hk"})
	w.Record(t, "placement", "school-"+dsS2, coordinator2, placement.TeacherAdded{SchoolID: dsS2, TeacherID: "t3", Name: "Mr Yip", Email: "yip@s2.hk"})

	round := func(id, name string, year int) placement.PlacementRoundOpened {
		return placement.PlacementRoundOpened{RoundID: id, Name: name, SchoolYear: year,
			Windows:       []placement.Period{{From: placement.Date(fmt.Sprintf("%d-10-04", year)), To: placement.Date(fmt.Sprintf("%d-11-26", year))}},
			OfferDeadline: placement.Date(fmt.Sprintf("%d-05-01", year)), PreferenceDeadline: placement.Date(fmt.Sprintf("%d-06-01", year)),
			MaxPreferences: 5, MaxTravelMinutes: 60}
	}
	offers := func(roundID, schoolID, name string, offered ...placement.OfferedPlaces) placement.PlacesOffered {
		return placement.PlacesOffered{RoundID: roundID, SchoolID: schoolID, School: placement.SchoolFacts{Name: name}, Offers: offered, Capacity: 5}
	}
	register := func(roundID, id, name string, subjects ...string) placement.StudentTeacherRegistered {
		return placement.StudentTeacherRegistered{RoundID: roundID, StudentID: id, Name: name, Email: id + "@hku.hk", Level: placement.Primary,
			Subjects: subjects, HomeDistrict: "Sha Tin"}
	}
	at := func(id, schoolID, subject string) placement.Placement {
		return placement.Placement{StudentID: id, SchoolID: schoolID, Subject: subject, Rank: 1, TravelMinutes: 20}
	}

	// 2026/27: Ivy at Kowloon Primary.
	w.Record(t, "placement", "round-"+dsR0, office, round(dsR0, "2026/27 practicum", 2026),
		register(dsR0, "st7", "Ivy Ip", "English Language"))
	w.Record(t, "placement", "offer-"+dsR0+"-"+dsS1, coordinator1, offers(dsR0, dsS1, "Kowloon Primary", placement.OfferedPlaces{Subject: "English Language", Places: 2}))
	w.Record(t, "placement", "round-"+dsR0, office,
		placement.AllocationRecorded{RoundID: dsR0, Placements: []placement.Placement{at("st7", dsS1, "English Language")}},
		placement.AllocationPublished{RoundID: dsR0})
	w.Record(t, "placement", "round-"+dsR0, coordinator1,
		placement.PlacementConfirmed{RoundID: dsR0, StudentID: "st7", SchoolID: dsS1, Subject: "English Language"},
		placement.MentorAssigned{RoundID: dsR0, StudentID: "st7", SchoolID: dsS1, TeacherID: "t1"})
	w.Record(t, "placement", "round-"+dsR0, office, placement.PlacementRoundClosed{RoundID: dsR0})

	// 2027/28: Amy, Ben, Cal (and Dee, until Kowloon Primary declined her)
	// at Kowloon Primary; Fay and Gus at Sha Tin Secondary; Eve nowhere.
	w.Record(t, "placement", "round-"+dsR1, office, round(dsR1, "2027/28 practicum", 2027),
		register(dsR1, "st1", "Amy Au", "English Language"), register(dsR1, "st2", "Ben Bo", "Mathematics"),
		register(dsR1, "st3", "Cal Cheung", "English Language"), register(dsR1, "st4", "Dee Dai", "English Language"),
		register(dsR1, "st5", "Eve Eng", "Physics"), register(dsR1, "st6", "Fay Fung", "Chinese"), register(dsR1, "st8", "Gus Ho", "Chinese"))
	w.Record(t, "placement", "offer-"+dsR1+"-"+dsS1, coordinator1, offers(dsR1, dsS1, "Kowloon Primary",
		placement.OfferedPlaces{Subject: "English Language", Places: 3}, placement.OfferedPlaces{Subject: "Mathematics", Places: 2}))
	w.Record(t, "placement", "offer-"+dsR1+"-"+dsS2, coordinator2, offers(dsR1, dsS2, "Sha Tin Secondary",
		placement.OfferedPlaces{Subject: "English Literature", Places: 2}, placement.OfferedPlaces{Subject: "Chinese", Places: 2}))
	w.Record(t, "placement", "round-"+dsR1, office,
		placement.AllocationRecorded{RoundID: dsR1, Placements: []placement.Placement{
			at("st1", dsS1, "English Language"), at("st2", dsS1, "Mathematics"), at("st3", dsS1, "English Language"),
			at("st4", dsS1, "English Language"), at("st6", dsS2, "Chinese"), at("st8", dsS2, "Chinese")},
			Unplaced: []placement.Unplaced{{StudentID: "st5", Reason: "no school teaches Physics within 60 minutes"}}},
		placement.AllocationPublished{RoundID: dsR1})
	w.Record(t, "placement", "round-"+dsR1, coordinator1,
		placement.PlacementConfirmed{RoundID: dsR1, StudentID: "st1", SchoolID: dsS1, Subject: "English Language"},
		placement.PlacementConfirmed{RoundID: dsR1, StudentID: "st2", SchoolID: dsS1, Subject: "Mathematics"},
		placement.MentorAssigned{RoundID: dsR1, StudentID: "st1", SchoolID: dsS1, TeacherID: "t1"},
		placement.MentorAssigned{RoundID: dsR1, StudentID: "st2", SchoolID: dsS1, TeacherID: "t2"},
		placement.PlacementDeclined{RoundID: dsR1, StudentID: "st4", SchoolID: dsS1, Reason: "timetable"},
		placement.StudentTeacherReallocated{RoundID: dsR1, StudentID: "st4", Unplaced: "no other school has an English Language place"})
	w.Record(t, "placement", "round-"+dsR1, coordinator2,
		placement.PlacementConfirmed{RoundID: dsR1, StudentID: "st6", SchoolID: dsS2, Subject: "Chinese"},
		placement.PlacementConfirmed{RoundID: dsR1, StudentID: "st8", SchoolID: dsS2, Subject: "Chinese"},
		placement.MentorAssigned{RoundID: dsR1, StudentID: "st6", SchoolID: dsS2, TeacherID: "t3"})

	// Mentoring: Amy's and Ben's practicum windows are over (their
	// records say so); Fay's and Gus's are still to come.
	ended := []placement.Period{{From: "2020-09-01", To: "2020-10-15"}, {From: "2021-02-01", To: "2021-03-15"}}
	ahead := []placement.Period{{From: "2999-09-01", To: "2999-10-15"}}
	system := events.Actor{ID: "placement-follower", Role: events.RoleSystem}
	open := func(roundID, studentID, schoolID, subject, mentor, tutorID string, windows []placement.Period) string {
		rec := mentoring.RecordIDFor(roundID, studentID)
		w.Record(t, "mentoring", "record-"+rec, system,
			mentoring.RecordOpened{RecordID: rec, RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: subject, Windows: windows},
			mentoring.RecordMentorAssigned{RecordID: rec, MentorID: mentor},
			mentoring.RecordTutorAssigned{RecordID: rec, TutorID: tutorID})
		return rec
	}
	observe := func(rec string, observations ...mentoring.ObservationRecorded) {
		for _, o := range observations {
			w.Record(t, "mentoring", "record-"+rec, events.Actor{ID: o.ObserverID, Role: events.RoleMentor}, o)
		}
	}
	amy := open(dsR1, "st1", dsS1, "English Language", "t1", "u1", ended)
	observe(amy,
		mtObservation(amy, "o1", "t1", mentoring.ObserverMentor, "2020-09-10", 3), mtObservation(amy, "o2", "t1", mentoring.ObserverMentor, "2020-09-20", 3),
		mtObservation(amy, "o3", "t1", mentoring.ObserverMentor, "2021-02-10", 3), mtObservation(amy, "o4", "t2", mentoring.ObserverTeacher, "2021-02-20", 3),
		mtObservation(amy, "o5", "u1", mentoring.ObserverTutor, "2020-10-01", 3), mtObservation(amy, "o6", "u1", mentoring.ObserverTutor, "2021-03-10", 3))
	w.Record(t, "mentoring", "record-"+amy, mentor1,
		mentoring.ConcernRaised{RecordID: amy, ConcernID: "c1", RaisedBy: "t1", Category: "professionalism", Severity: "high", Description: "Late twice"})
	raised := w.Last()

	ben := open(dsR1, "st2", dsS1, "Mathematics", "t2", "u1", ended)
	observe(ben,
		mtObservation(ben, "o1", "t2", mentoring.ObserverMentor, "2020-09-10", 3), mtObservation(ben, "o2", "t2", mentoring.ObserverMentor, "2020-10-01", 3),
		mtObservation(ben, "o3", "u1", mentoring.ObserverTutor, "2020-09-20", 3))
	w.Record(t, "mentoring", "record-"+ben, events.Actor{ID: "t2", Role: events.RoleMentor, SchoolID: dsS1},
		mentoring.ConcernRaised{RecordID: ben, ConcernID: "c2", RaisedBy: "t2", Category: "planning", Severity: "low", Description: "Thin plans"},
		mentoring.ConcernResolved{RecordID: ben, ConcernID: "c2", Note: "Better now"},
		mentoring.FinalAssessmentSubmitted{RecordID: ben, MentorID: "t2", Recommendation: "distinction", Summary: "Strong", MinimumOverride: "Typhoon"})

	fay := open(dsR1, "st6", dsS2, "Chinese", "t3", "u2", ahead)
	w.Record(t, "mentoring", "record-"+fay, mentor2,
		mentoring.FinalAssessmentSubmitted{RecordID: fay, MentorID: "t3", Recommendation: "pass", Summary: "Fine", MinimumOverride: "Early"})
	w.Record(t, "mentoring", "record-"+fay, events.Actor{ID: "u2", Role: events.RoleTutor},
		mentoring.AssessmentModerated{RecordID: fay, TutorID: "u2", Recommendation: "fail", Adjusted: true, Reason: "Unsafe lessons"})
	open(dsR1, "st8", dsS2, "Chinese", "t3", "u2", ahead)

	ivy := open(dsR0, "st7", dsS1, "English Language", "t1", "u1", ended)
	w.Record(t, "mentoring", "record-"+ivy, mentor1,
		mentoring.ConcernRaised{RecordID: ivy, ConcernID: "c7", RaisedBy: "t1", Category: "planning", Severity: "low", Description: "Last round"})

	// The forums of 2026 (where Kowloon Primary presented) and 2027, with
	// Sha Tin Secondary's agreement on the renewal agenda.
	w.Record(t, "forum", "forum-2026", office,
		forum.ForumScheduled{Year: 2026, Date: "2027-05-20", Venue: "HKU", Theme: "Mentoring well"},
		forum.SessionAdded{Year: 2026, SessionID: "x1", Title: "Our mentoring", Format: "talk", PresenterSchoolID: dsS1, Presenter: "Ms Ho", Capacity: 40},
		forum.DelegateRegistered{Year: 2026, SessionID: "x1", RegistrationID: "g0", PersonID: "p0", Name: "Ms Ho", Kind: forum.DelegateSchool, SchoolID: dsS1},
		forum.AttendanceRecorded{Year: 2026, SessionID: "x1", RegistrationID: "g0", Attended: true})
	delegate := func(id, name, kind, schoolID string, waitlisted bool) forum.DelegateRegistered {
		return forum.DelegateRegistered{Year: 2027, SessionID: "x2", RegistrationID: id, PersonID: "p-" + id, Name: name, Kind: kind, SchoolID: schoolID, Waitlisted: waitlisted}
	}
	attended := func(id string, came bool) forum.AttendanceRecorded {
		return forum.AttendanceRecorded{Year: 2027, SessionID: "x2", RegistrationID: id, Attended: came}
	}
	w.Record(t, "forum", "forum-2027", office,
		forum.ForumScheduled{Year: 2027, Date: "2028-05-18", Venue: "HKU", Theme: "Whole-school mentoring"},
		forum.SessionAdded{Year: 2027, SessionID: "x2", Title: "Lesson study", Format: "workshop", Presenter: "Dr Tse", Capacity: 30},
		forum.RenewalAgendaItemAdded{Year: 2027, SchoolID: dsS2, AgreementID: "a2", LastSchoolYear: 2027},
		delegate("g1", "Mr Chan", forum.DelegateSchool, dsS1, false), delegate("g2", "Ms Lam", forum.DelegateSchool, dsS1, false),
		delegate("g3", "Mr Yip", forum.DelegateSchool, dsS2, false), delegate("g4", "Dr Tse", forum.DelegateFaculty, "", false),
		delegate("g5", "Ms Ho", forum.DelegateSchool, dsS1, true),
		forum.RegistrationCancelled{Year: 2027, SessionID: "x2", RegistrationID: "g2"},
		attended("g1", true), attended("g3", false), attended("g4", true))
	return w, raised
}

const schoolDashboardFields = `
	school { id name district level }
	round { id name schoolYear status }
	partnership { agreementId firstSchoolYear lastSchoolYear yearOfTerm draft endedOn }
	places { subject offered allocated confirmed declined }
	placesByRound { round { id name schoolYear status } subject offered filled }
	studentTeachers {
		id name subject status mentor { id name } tutorId
		observations { mentor teacher tutor minimumMentor minimumTutor met }
		lastObservedOn openConcerns recommendation
	}
	openConcerns { id student { id name } category severity raisedAt }
	forumParticipation { year registered attended sessionsPresented }`

const facultyDashboardFields = `
	round { id name schoolYear status }
	fillRate { subject offered placed confirmed rate }
	englishPlaces { offered placed }
	unplaced { id name subjects reason }
	observationCoverage { records meetingMinimum share }
	studentsAtRisk { totalCount edges { node { id name schoolId subject reasons } } }
	renewalsDue { totalCount edges { node { schoolId schoolName agreementId lastSchoolYear onForumAgenda } } }
	forumAttendance { year registered attended schools }`

// facultyAnswer is the faculty dashboard as a client reads it: its long
// lists come a page at a time.
type facultyAnswer struct {
	graph.FacultyDashboard
	StudentsAtRisk page[graph.StudentAtRisk] `json:"studentsAtRisk"`
	RenewalsDue    page[graph.RenewalDue]    `json:"renewalsDue"`
}

func TestGivenARoundWhenASchoolReadsItsDashboardThenItSeesItsTermPlacesStudentTeachersConcernsAndForumYears(t *testing.T) {
	t.Parallel()
	w, raised := dsWorld(t)
	c := readClient(w)

	var resp struct{ SchoolDashboard graph.SchoolDashboard }
	answer(t, c, &coordinator1, `{ schoolDashboard(schoolId: "s1") {`+schoolDashboardFields+`} }`, &resp)
	d := resp.SchoolDashboard
	r1 := graph.DashboardRound{ID: "r1", Name: "2027/28 practicum", SchoolYear: 2027, Status: "published"}
	r0 := graph.DashboardRound{ID: "r0", Name: "2026/27 practicum", SchoolYear: 2026, Status: "closed"}
	same(t, "school", d.School, graph.DashboardSchool{ID: "s1", Name: "Kowloon Primary", District: "Kowloon City", Level: "primary"})
	same(t, "round (the latest the school offered in)", d.Round, &r1)
	same(t, "partnership", d.Partnership, &graph.SchoolPartnership{AgreementID: "a1", FirstSchoolYear: 2026, LastSchoolYear: 2028, YearOfTerm: ptr(2)})
	same(t, "places", d.Places, []graph.SubjectPlaces{
		{Subject: "English Language", Offered: 3, Allocated: 2, Confirmed: 1, Declined: 1},
		{Subject: "Mathematics", Offered: 2, Allocated: 1, Confirmed: 1},
	})
	same(t, "places by round of the term", d.PlacesByRound, []graph.RoundPlaces{
		{Round: r0, Subject: "English Language", Offered: 2, Filled: 1},
		{Round: r1, Subject: "English Language", Offered: 3, Filled: 1},
		{Round: r1, Subject: "Mathematics", Offered: 2, Filled: 1},
	})
	same(t, "student-teachers hosted", d.StudentTeachers, []graph.HostedStudentTeacher{
		{ID: "st1", Name: "Amy Au", Subject: "English Language", Status: "confirmed", Mentor: &graph.NamedPerson{ID: "t1", Name: ptr("Mr Chan")}, TutorID: ptr("u1"),
			Observations:   graph.ObservationTally{Mentor: 3, Teacher: 1, Tutor: 2, MinimumMentor: 4, MinimumTutor: 2, Met: true},
			LastObservedOn: ptr("2021-03-10"), OpenConcerns: 1},
		{ID: "st2", Name: "Ben Bo", Subject: "Mathematics", Status: "confirmed", Mentor: &graph.NamedPerson{ID: "t2", Name: ptr("Ms Lam")}, TutorID: ptr("u1"),
			Observations:   graph.ObservationTally{Mentor: 2, Tutor: 1, MinimumMentor: 4, MinimumTutor: 2},
			LastObservedOn: ptr("2020-10-01"), Recommendation: ptr("distinction")},
		{ID: "st3", Name: "Cal Cheung", Subject: "English Language", Status: "published",
			Observations: graph.ObservationTally{MinimumMentor: 4, MinimumTutor: 2}},
	})
	same(t, "open concerns", d.OpenConcerns, []graph.Concern{
		{ID: "c1", Student: graph.NamedPerson{ID: "st1", Name: ptr("Amy Au")}, Category: "professionalism", Severity: "high", RaisedAt: raised},
	})
	same(t, "forum participation", d.ForumParticipation, []graph.ForumParticipation{
		{Year: 2026, Registered: 1, Attended: 1, SessionsPresented: 1},
		{Year: 2027, Registered: 2, Attended: 1},
	})
}

func TestGivenAnEarlierRoundAndAPolicyWhenTheDashboardNamesItThenItShowsThatRoundAgainstThePolicy(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	w.Record(t, "mentoring", "policy", faculty, mentoring.PolicySet{MinMentorObservations: 0, MinTutorObservations: 0, AmendDays: 7})
	c := readClient(w)

	var resp struct{ SchoolDashboard graph.SchoolDashboard }
	answer(t, c, &office, `{ schoolDashboard(schoolId: "s1", roundId: "r0") {`+schoolDashboardFields+`} }`, &resp)
	d := resp.SchoolDashboard
	same(t, "year of term", d.Partnership.YearOfTerm, ptr(1))
	same(t, "places", d.Places, []graph.SubjectPlaces{{Subject: "English Language", Offered: 2, Allocated: 1, Confirmed: 1}})
	same(t, "student-teachers", d.StudentTeachers, []graph.HostedStudentTeacher{
		{ID: "st7", Name: "Ivy Ip", Subject: "English Language", Status: "confirmed", Mentor: &graph.NamedPerson{ID: "t1", Name: ptr("Mr Chan")}, TutorID: ptr("u1"),
			Observations: graph.ObservationTally{Met: true}, OpenConcerns: 1},
	})
	same(t, "open concerns", len(d.OpenConcerns), 1)
}

func TestGivenARoundWhenTheFacultyReadsItsDashboardThenItSeesFillRateUnplacedCoverageRisksRenewalsAndTheForum(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)

	var resp struct{ FacultyDashboard facultyAnswer }
	answer(t, c, &faculty, `{ facultyDashboard(roundId: "r1") {`+facultyDashboardFields+`} }`, &resp)
	d := resp.FacultyDashboard
	same(t, "round", d.Round, graph.DashboardRound{ID: "r1", Name: "2027/28 practicum", SchoolYear: 2027, Status: "published"})
	same(t, "fill rate", d.FillRate, []graph.SubjectFill{
		{Subject: "Chinese", Offered: 2, Placed: 2, Confirmed: 2, Rate: 1},
		{Subject: "English Language", Offered: 3, Placed: 2, Confirmed: 1, Rate: 2.0 / 3},
		{Subject: "English Literature", Offered: 2},
		{Subject: "Mathematics", Offered: 2, Placed: 1, Confirmed: 1, Rate: 0.5},
	})
	same(t, "English places", d.EnglishPlaces, graph.EnglishPlaces{Offered: 5, Placed: 2})
	same(t, "unplaced", d.Unplaced, []graph.UnplacedStudent{
		{ID: "st4", Name: "Dee Dai", Subjects: []string{"English Language"}, Reason: "no other school has an English Language place"},
		{ID: "st5", Name: "Eve Eng", Subjects: []string{"Physics"}, Reason: "no school teaches Physics within 60 minutes"},
	})
	same(t, "observation coverage", d.ObservationCoverage, graph.ObservationCoverage{Records: 4, MeetingMinimum: 1, Share: 0.25})
	same(t, "students at risk", d.StudentsAtRisk.nodes(), []graph.StudentAtRisk{
		{ID: "st1", Name: "Amy Au", SchoolID: "s1", Subject: "English Language", Reasons: []string{"1 open concern"}},
		{ID: "st2", Name: "Ben Bo", SchoolID: "s1", Subject: "Mathematics", Reasons: []string{
			"2 of 4 observations by the school's teachers and 1 of 2 by the tutor when the practicum ended on 2021-03-15"}},
		{ID: "st6", Name: "Fay Fung", SchoolID: "s2", Subject: "Chinese", Reasons: []string{"final recommendation: fail"}},
	})
	same(t, "renewals due", d.RenewalsDue.nodes(), []graph.RenewalDue{
		{SchoolID: "s3", SchoolName: "Tai Po Primary", AgreementID: "a3", LastSchoolYear: 2026},
		{SchoolID: "s2", SchoolName: "Sha Tin Secondary", AgreementID: "a2", LastSchoolYear: 2027, OnForumAgenda: true},
	})
	same(t, "forum attendance", d.ForumAttendance, &graph.ForumAttendance{Year: 2027, Registered: 4, Attended: 2, Schools: 1})
}

func TestGivenEachRoleWhenItAsksForTheDashboardsThenOnlyThoseWhoMaySeeThemAreAnswered(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)
	for _, tc := range []struct {
		name          string
		actor         *events.Actor
		school, round []string // codes, nil when answered
	}{
		{"office", &office, nil, nil},
		{"faculty", &faculty, nil, nil},
		{"tutor", &tutor, nil, nil},
		{"coordinator of the school", &coordinator1, nil, []string{"FORBIDDEN"}},
		{"mentor of the school", &mentor1, nil, []string{"FORBIDDEN"}},
		{"coordinator of another school", &coordinator2, []string{"FORBIDDEN"}, []string{"FORBIDDEN"}},
		{"mentor of another school", &mentor2, []string{"FORBIDDEN"}, []string{"FORBIDDEN"}},
		{"student-teacher", &student, []string{"FORBIDDEN"}, []string{"FORBIDDEN"}},
		{"nobody signed in", nil, []string{"UNAUTHENTICATED"}, []string{"UNAUTHENTICATED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var school struct {
				SchoolDashboard *struct{ School struct{ ID string } }
			}
			codes := ask(t, c, tc.actor, `{ schoolDashboard(schoolId: "s1", roundId: "r1") { school { id } } }`, &school)
			same(t, "school dashboard errors", codes, tc.school)
			if (school.SchoolDashboard != nil) != (tc.school == nil) {
				t.Errorf("school dashboard answered %v, want answered %v", school.SchoolDashboard != nil, tc.school == nil)
			}
			var faculty struct {
				FacultyDashboard *struct{ Round struct{ ID string } }
			}
			codes = ask(t, c, tc.actor, `{ facultyDashboard(roundId: "r1") { round { id } } }`, &faculty)
			same(t, "faculty dashboard errors", codes, tc.round)
			if (faculty.FacultyDashboard != nil) != (tc.round == nil) {
				t.Errorf("faculty dashboard answered %v, want answered %v", faculty.FacultyDashboard != nil, tc.round == nil)
			}
		})
	}
}

func TestGivenNoSuchSchoolOrRoundWhenADashboardIsAskedForThenItIsNotFoundNamingTheArgument(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)
	for _, tc := range []struct{ query, want string }{
		{`{ schoolDashboard(schoolId: "nope") { school { id } } }`, "NOT_FOUND"},
		{`{ schoolDashboard(schoolId: "s1", roundId: "nope") { school { id } } }`, "NOT_FOUND roundId"},
		{`{ schoolDashboard(schoolId: "") { school { id } } }`, "VALIDATION schoolId"},
		{`{ facultyDashboard(roundId: "nope") { round { id } } }`, "NOT_FOUND roundId"},
	} {
		var out map[string]any
		same(t, tc.query, ask(t, c, &office, tc.query, &out), []string{tc.want})
	}
}

const schoolSubscription = `subscription { schoolDashboard(schoolId: "s1") { studentTeachers { id status } } }`

type studentTeachers struct {
	SchoolDashboard struct {
		StudentTeachers []struct{ ID, Status string }
	}
}

func (s studentTeachers) ids() string {
	var ids []string
	for _, st := range s.SchoolDashboard.StudentTeachers {
		ids = append(ids, st.ID+" "+st.Status)
	}
	return strings.Join(ids, ", ")
}

func TestGivenASubscribedSchoolWhenAPlacementIsRecordedThenTheDashboardIsSentAgain(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := liveClient(t, w)

	sub := c.WebsocketWithPayload(schoolSubscription, asPayload(coordinator1))
	defer func() { _ = sub.Close() }()
	var first studentTeachers
	if err := next(t, sub, &first); err != nil {
		t.Fatal(err)
	}
	if got := first.ids(); got != "st1 confirmed, st2 confirmed, st3 published" {
		t.Fatalf("first value: %s", got)
	}
	sentAt := time.Now()

	// The office places Eve by hand at Kowloon Primary: the projection's
	// batch announces its new checkpoint, and the watcher passes it on.
	w.Record(t, "placement", "round-"+dsR1, office, placement.PlacementOverridden{RoundID: dsR1, StudentID: "st5", SchoolID: dsS1,
		Subject: "Mathematics", Rank: 1, TravelMinutes: 30, Reason: "Physics graduate who can teach Mathematics", Exception: "subject"})
	var second studentTeachers
	if err := next(t, sub, &second); err != nil {
		t.Fatal(err)
	}
	if got := second.ids(); got != "st1 confirmed, st2 confirmed, st3 published, st5 published" {
		t.Fatalf("second value: %s", got)
	}
	if gap := time.Since(sentAt); gap < 200*time.Millisecond {
		t.Errorf("the second value came %s after the first; want at least 200ms between them", gap)
	}
}

func TestGivenNoWatcherWhenADashboardIsSubscribedThenItIsSentOnceAndTheSubscriptionEnds(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)

	sub := c.WebsocketWithPayload(schoolSubscription, asPayload(office))
	defer func() { _ = sub.Close() }()
	var first studentTeachers
	if err := next(t, sub, &first); err != nil {
		t.Fatal(err)
	}
	if len(first.SchoolDashboard.StudentTeachers) != 3 {
		t.Fatalf("first value: %s", first.ids())
	}
	var more studentTeachers
	if err := next(t, sub, &more); err == nil || !strings.Contains(err.Error(), "complete") {
		t.Fatalf("after the one value: %v, want the subscription complete", err)
	}
}

func TestGivenAViewerWhoMayNotSeeADashboardWhenTheySubscribeThenTheSubscriptionIsRefused(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := idleClient(w)
	for _, tc := range []struct {
		actor events.Actor
		query string
	}{
		{coordinator2, schoolSubscription},
		{student, schoolSubscription},
		{mentor1, `subscription { facultyDashboard(roundId: "r1") { round { id } } }`},
	} {
		sub := c.WebsocketWithPayload(tc.query, asPayload(tc.actor))
		var out map[string]any
		err := next(t, sub, &out)
		_ = sub.Close()
		if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
			t.Errorf("%s subscribing to %s: %v, want FORBIDDEN", tc.actor.Role, tc.query, err)
		}
	}
}

func TestGivenASubscribedRoundViewWhenASchoolOffersPlacesThenTheRoundIsSentAgainWithTheOffer(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := liveClient(t, w)

	type roundOffers struct {
		PlacementRound struct {
			Status string
			Offers []struct{ SchoolID string }
		}
	}
	schools := func(v roundOffers) string {
		var ids []string
		for _, o := range v.PlacementRound.Offers {
			ids = append(ids, o.SchoolID)
		}
		return v.PlacementRound.Status + ": " + strings.Join(ids, ", ")
	}
	sub := c.WebsocketWithPayload(`subscription { placementRound(id: "r1") { status offers { schoolId } } }`, asPayload(office))
	defer func() { _ = sub.Close() }()
	var first roundOffers
	if err := next(t, sub, &first); err != nil {
		t.Fatal(err)
	}
	if got := schools(first); got != "PUBLISHED: s1, s2" {
		t.Fatalf("first value: %s", got)
	}

	// The round's head does not change: only the offers, which the round
	// view resolves apart, do.
	w.Record(t, "placement", "offer-"+dsR1+"-"+dsS3, events.Actor{ID: "k3", Role: events.RoleSchoolCoordinator, SchoolID: dsS3},
		placement.PlacesOffered{RoundID: dsR1, SchoolID: dsS3, School: placement.SchoolFacts{Name: "Tai Po Primary"}, Capacity: 1,
			Offers: []placement.OfferedPlaces{{Subject: "English Language", Places: 1}}})
	var second roundOffers
	if err := next(t, sub, &second); err != nil {
		t.Fatal(err)
	}
	if got := schools(second); got != "PUBLISHED: s1, s2, s3" {
		t.Fatalf("second value: %s", got)
	}
}

func TestGivenNoSuchRoundWhenItsViewIsSubscribedThenTheSubscriptionIsRefusedAsNotFound(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)
	sub := c.WebsocketWithPayload(`subscription { placementRound(id: "nope") { status } }`, asPayload(office))
	defer func() { _ = sub.Close() }()
	var out map[string]any
	if err := next(t, sub, &out); err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Fatalf("subscribing to no round: %v, want NOT_FOUND", err)
	}
}

func TestGivenSchoolsThatOfferedInNoRoundWhenTheirDashboardsAreReadThenTheyShowTheirPartnershipsAndNoRound(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)

	var resp struct{ SchoolDashboard graph.SchoolDashboard }
	answer(t, c, &tutor, `{ schoolDashboard(schoolId: "s3") {`+schoolDashboardFields+`} }`, &resp)
	d := resp.SchoolDashboard
	same(t, "round", d.Round, (*graph.DashboardRound)(nil))
	same(t, "partnership, with no year of term", d.Partnership, &graph.SchoolPartnership{AgreementID: "a3", FirstSchoolYear: 2024, LastSchoolYear: 2026})
	same(t, "lists", []int{len(d.Places), len(d.PlacesByRound), len(d.StudentTeachers), len(d.OpenConcerns), len(d.ForumParticipation)}, []int{0, 0, 0, 0, 0})

	var ended struct{ SchoolDashboard graph.SchoolDashboard }
	answer(t, c, &tutor, `{ schoolDashboard(schoolId: "s4") {`+schoolDashboardFields+`} }`, &ended)
	same(t, "an ended partnership", ended.SchoolDashboard.Partnership,
		&graph.SchoolPartnership{AgreementID: "a4", FirstSchoolYear: 2024, LastSchoolYear: 2026, EndedOn: ptr("2026-07-31")})
}

func TestGivenAStudentRegisteredAfterTheAllocationWhenTheFacultyReadsItsDashboardThenTheyAreUnplaced(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	w.Record(t, "placement", "student-"+dsR1+"-st9", office, placement.StudentTeacherRegistered{RoundID: dsR1, StudentID: "st9",
		Name: "Hal Hui", Email: "st9@hku.hk", Level: placement.Primary, Subjects: []string{"Mathematics"}, HomeDistrict: "Sha Tin"})
	c := readClient(w)

	var resp struct{ FacultyDashboard facultyAnswer }
	answer(t, c, &faculty, `{ facultyDashboard(roundId: "r1") { unplaced { id name subjects reason } } }`, &resp)
	same(t, "unplaced", resp.FacultyDashboard.Unplaced, []graph.UnplacedStudent{
		{ID: "st4", Name: "Dee Dai", Subjects: []string{"English Language"}, Reason: "no other school has an English Language place"},
		{ID: "st5", Name: "Eve Eng", Subjects: []string{"Physics"}, Reason: "no school teaches Physics within 60 minutes"},
		{ID: "st9", Name: "Hal Hui", Subjects: []string{"Mathematics"}, Reason: "registered after the allocation ran"},
	})
}

func TestGivenStudentsAtRiskWhenTheFacultyPagesThroughThemThenEachComesOnceInOrder(t *testing.T) {
	t.Parallel()
	w, _ := dsWorld(t)
	c := readClient(w)
	var seen []string
	var after *string
	for range 3 {
		var resp struct{ FacultyDashboard facultyAnswer }
		answer(t, c, &faculty, `query($after: String) { facultyDashboard(roundId: "r1") {
			studentsAtRisk(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
			&resp, client.Var("after", after))
		page := resp.FacultyDashboard.StudentsAtRisk
		if page.TotalCount != 3 {
			t.Fatalf("total count %d, want 3", page.TotalCount)
		}
		for _, n := range page.nodes() {
			seen = append(seen, n.ID)
		}
		if !page.PageInfo.HasNextPage {
			break
		}
		after = page.PageInfo.EndCursor
	}
	same(t, "students at risk, page by page", seen, []string{"st1", "st2", "st6"})

	var refused struct{ FacultyDashboard facultyAnswer }
	if codes := ask(t, c, &faculty, `{ facultyDashboard(roundId: "r1") { studentsAtRisk(first: 0) { totalCount } } }`, &refused); !slices.Contains(codes, "VALIDATION first") {
		t.Fatalf("a page of 0: %v, want VALIDATION on first", codes)
	}
}
