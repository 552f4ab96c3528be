package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	rmmentoring "wsms/projections/mentoring"
	rmplacements "wsms/projections/placements"
	"wsms/projections/projectiontest"
)

// The people and places of the mentoring view tests: a student-teacher
// placed at school A in two rounds, mentored by a teacher of A and observed
// by another; a second student-teacher at school B with B's mentor.
const (
	mtSchoolA      = "0190b000-0000-7000-8000-00000000000a"
	mtSchoolB      = "0190b000-0000-7000-8000-00000000000b"
	mtEarlierRound = "0190b000-0000-7000-8000-000000000e01"
	mtRound        = "0190b000-0000-7000-8000-000000000e02"
	mtStudent      = "0190b000-0000-7000-8000-000000000501"
	mtOtherStudent = "0190b000-0000-7000-8000-000000000502"
	mtMentor       = "0190b000-0000-7000-8000-000000000a01"
	mtTeacher      = "0190b000-0000-7000-8000-000000000a02"
	mtMentorB      = "0190b000-0000-7000-8000-000000000b01"
	mtTutor        = "0190b000-0000-7000-8000-000000000701"
	mtNobody       = "0190b000-0000-7000-8000-000000000999"
)

var (
	mtOffice      = events.Actor{ID: "0190b000-0000-7000-8000-000000000f01", Role: events.RoleOffice}
	mtFaculty     = events.Actor{ID: "0190b000-0000-7000-8000-000000000f02", Role: events.RoleFaculty}
	mtTutorActor  = events.Actor{ID: mtTutor, Role: events.RoleTutor}
	mtCoordA      = events.Actor{ID: "0190b000-0000-7000-8000-000000000c0a", Role: events.RoleSchoolCoordinator, SchoolID: mtSchoolA}
	mtCoordB      = events.Actor{ID: "0190b000-0000-7000-8000-000000000c0b", Role: events.RoleSchoolCoordinator, SchoolID: mtSchoolB}
	mtMentorActor = events.Actor{ID: mtMentor, Role: events.RoleMentor, SchoolID: mtSchoolA}
	mtTeacherA    = events.Actor{ID: mtTeacher, Role: events.RoleMentor, SchoolID: mtSchoolA}
	mtMentorBAct  = events.Actor{ID: mtMentorB, Role: events.RoleMentor, SchoolID: mtSchoolB}
	mtStudentAct  = events.Actor{ID: mtStudent, Role: events.RoleStudentTeacher}
	mtOtherStuAct = events.Actor{ID: mtOtherStudent, Role: events.RoleStudentTeacher}
	mtSystem      = events.Actor{ID: "placement-follower", Role: events.RoleSystem}
)

// newMentoringWorld places the student-teachers and records their
// mentoring, ending with a moderated assessment.
func newMentoringWorld(t *testing.T) *projectiontest.Harness {
	t.Helper()
	w := projectiontest.New(t, rmplacements.Projection, rmmentoring.Projection)
	w.Record(t, "placement", "schools", mtOffice,
		placement.SchoolRegistered{SchoolID: mtSchoolA, Name: "Harbour View Secondary", District: "Sha Tin", Level: placement.Secondary,
			Contact: placement.Contact{Name: "Ms Chan", Email: "chan@example.org"}},
		placement.SchoolRegistered{SchoolID: mtSchoolB, Name: "Hill Top Secondary", District: "Tai Po", Level: placement.Secondary,
			Contact: placement.Contact{Name: "Mr Lee", Email: "lee@example.org"}},
		placement.TeacherAdded{SchoolID: mtSchoolA, TeacherID: mtMentor, Name: "Amy Wong", Email: "amy@example.org"},
		placement.TeacherAdded{SchoolID: mtSchoolA, TeacherID: mtTeacher, Name: "Ben Ho", Email: "ben@example.org"},
		placement.TeacherAdded{SchoolID: mtSchoolB, TeacherID: mtMentorB, Name: "Cat Yip", Email: "cat@example.org"})
	w.Record(t, "placement", "round-"+mtRound, mtOffice,
		placement.PlacementRoundOpened{RoundID: mtRound, Name: "2027-28 first practicum", SchoolYear: 2027,
			Windows:       []placement.Period{{From: "2027-10-04", To: "2027-11-26"}},
			OfferDeadline: "2027-09-10", PreferenceDeadline: "2027-09-17", MaxPreferences: 3, MaxTravelMinutes: 90},
		placement.StudentTeacherRegistered{RoundID: mtRound, StudentID: mtStudent, Name: "Dora Lam", Email: "dora@example.org",
			Level: placement.Secondary, Subjects: []string{"English"}, HomeDistrict: "Sha Tin"},
		placement.StudentTeacherRegistered{RoundID: mtRound, StudentID: mtOtherStudent, Name: "Eric Ng", Email: "eric@example.org",
			Level: placement.Secondary, Subjects: []string{"Mathematics"}, HomeDistrict: "Tai Po"},
		placement.AllocationRecorded{RoundID: mtRound, Placements: []placement.Placement{
			{StudentID: mtStudent, SchoolID: mtSchoolA, Subject: "English", Rank: 1, TravelMinutes: 20},
			{StudentID: mtOtherStudent, SchoolID: mtSchoolB, Subject: "Mathematics", Rank: 1, TravelMinutes: 15}}},
		placement.AllocationPublished{RoundID: mtRound},
		placement.PlacementConfirmed{RoundID: mtRound, StudentID: mtStudent, SchoolID: mtSchoolA, Subject: "English"})

	w.Record(t, "mentoring", "policy", mtFaculty, mentoring.PolicySet{MinMentorObservations: 3, MinTutorObservations: 2, AmendDays: 7})
	w.Record(t, "mentoring", "training-"+mtMentor, mtFaculty,
		mentoring.MentorTrainingRecorded{TeacherID: mtMentor, SchoolID: mtSchoolA, Course: "Quality mentor", Level: "I", Issuer: "EdUHK",
			CompletedOn: "2026-06-30", CertificateID: "QM-1", ExpiresOn: "2029-06-30"})

	earlier := mentoring.RecordIDFor(mtEarlierRound, mtStudent)
	w.Record(t, "mentoring", "record-"+earlier, mtSystem,
		mentoring.RecordOpened{RecordID: earlier, RoundID: mtEarlierRound, StudentID: mtStudent, SchoolID: mtSchoolA, Subject: "English",
			Windows: []placement.Period{{From: "2027-02-01", To: "2027-03-12"}}},
		mentoring.RecordMentorAssigned{RecordID: earlier, MentorID: mtMentor})

	rec, stream := mentoring.RecordIDFor(mtRound, mtStudent), "record-"+mentoring.RecordIDFor(mtRound, mtStudent)
	w.Record(t, "mentoring", stream, mtSystem,
		mentoring.RecordOpened{RecordID: rec, RoundID: mtRound, StudentID: mtStudent, SchoolID: mtSchoolA, Subject: "English",
			Windows: []placement.Period{{From: "2027-10-04", To: "2027-11-26", Name: "First block"}}},
		mentoring.RecordMentorAssigned{RecordID: rec, MentorID: mtMentor})
	w.Record(t, "mentoring", stream, mtFaculty, mentoring.RecordTutorAssigned{RecordID: rec, TutorID: mtTutor})
	w.Record(t, "mentoring", stream, mtMentorActor, mtObservation(rec, "obs-late", mtMentor, mentoring.ObserverMentor, "2027-10-20", 3))
	w.Record(t, "mentoring", stream, mtTeacherA, mtObservation(rec, "obs-early", mtTeacher, mentoring.ObserverTeacher, "2027-10-06", 2))
	w.Record(t, "mentoring", stream, mtTutorActor, mtObservation(rec, "obs-tutor", mtTutor, mentoring.ObserverTutor, "2027-10-12", 2))
	w.Record(t, "mentoring", stream, mtStudentAct,
		mentoring.ObservationAcknowledged{RecordID: rec, ObservationID: "obs-early", Response: "I will wait longer for answers"},
		mentoring.ReflectionSubmitted{RecordID: rec, ReflectionID: "ref-1", Date: "2027-10-08", Text: "Finding my voice"})
	w.Record(t, "mentoring", stream, mtMentorActor,
		mentoring.MentoringMeetingLogged{RecordID: rec, MeetingID: "meet-1", MentorID: mtMentor, Date: "2027-10-07", Minutes: 40,
			Topics: []string{"Questioning"}, Targets: []string{"Plan three questions"}},
		mentoring.ConcernRaised{RecordID: rec, ConcernID: "con-1", RaisedBy: mtMentor, Category: "planning", Severity: "medium", Description: "Late plans"},
		mentoring.ConcernResolved{RecordID: rec, ConcernID: "con-1", Note: "Plans on time since"},
		mentoring.FinalAssessmentSubmitted{RecordID: rec, MentorID: mtMentor, Recommendation: "distinction", Summary: "Excellent growth",
			MinimumOverride: "Tutor visit lost to a typhoon"})
	w.Record(t, "mentoring", stream, mtTutorActor,
		mentoring.AssessmentModerated{RecordID: rec, TutorID: mtTutor, Recommendation: "pass", Adjusted: true, Reason: "One tutor observation"})

	other := mentoring.RecordIDFor(mtRound, mtOtherStudent)
	w.Record(t, "mentoring", "record-"+other, mtSystem,
		mentoring.RecordOpened{RecordID: other, RoundID: mtRound, StudentID: mtOtherStudent, SchoolID: mtSchoolB, Subject: "Mathematics",
			Windows: []placement.Period{{From: "2027-10-04", To: "2027-11-26"}}},
		mentoring.RecordMentorAssigned{RecordID: other, MentorID: mtMentorB})
	return w
}

func mtObservation(rec, id, observer, role, date string, planning int) mentoring.ObservationRecorded {
	return mentoring.ObservationRecorded{RecordID: rec, ObservationID: id, ObserverID: observer, ObserverRole: role, RecordedOn: placement.Date(date),
		Content: mentoring.ObservationContent{Date: placement.Date(date), Class: "3A", Subject: "English", Topic: "Debate", FrameworkVersion: 1,
			Ratings: map[string]int{"planning": planning, "management": 2}, Strengths: "Warm rapport", AreasForDevelopment: "Pace",
			ActionPoints: []string{"Time each activity"}}}
}

const mtStudentTeacherQuery = `query($id: ID!, $round: ID) {
  studentTeacher(id: $id, roundId: $round) {
    recordId studentId name
    round { id name }
    placement { schoolId schoolName subject status }
    windows { from to name }
    mentors { id name assigned }
    tutorId
    progress { mentor teacher tutor minimumMentor minimumTutor mentorDue tutorDue }
    lastObservedOn unacknowledged openConcerns
    observations { id date observerId observerRole observerName subject topic frameworkVersion ratings strengths areasForDevelopment actionPoints amendments cosigned acknowledgedAt response }
    meetings { id mentorId date minutes topics targets }
    reflections { id date text submittedAt }
    concerns { id raisedBy category severity description raisedAt resolvedAt note }
    assessment { recommendation summary assessedBy assessedAt minimumOverride }
    moderation { recommendation adjusted reason moderatedBy moderatedAt }
  }
}`

type mtStudentTeacherData struct {
	StudentTeacher *struct {
		RecordID, StudentID string
		Name                *string
		Round               struct{ ID, Name string }
		Placement           struct{ SchoolID, SchoolName, Subject, Status string }
		Windows             []struct{ From, To, Name string }
		Mentors             []struct {
			ID, Name string
			Assigned bool
		}
		TutorID  string
		Progress struct {
			Mentor, Teacher, Tutor, MinimumMentor, MinimumTutor, MentorDue, TutorDue int
		}
		LastObservedOn               string
		Unacknowledged, OpenConcerns int
		Observations                 []struct {
			ID, Date, ObserverID, ObserverRole string
			ObserverName                       *string
			Ratings                            map[string]int
			ActionPoints                       []string
			Amendments                         int
			AcknowledgedAt                     *time.Time
			Response                           *string
		}
		Meetings []struct {
			ID, Date string
			Minutes  int
			Targets  []string
		}
		Reflections []struct {
			Text        string
			SubmittedAt time.Time
		}
		Concerns []struct {
			ID         string
			ResolvedAt *time.Time
			Note       string
		}
		Assessment *struct {
			Recommendation, AssessedBy, MinimumOverride string
			AssessedAt                                  time.Time
		}
		Moderation *struct {
			Recommendation, Reason, ModeratedBy string
			Adjusted                            bool
		}
	}
}

func TestGivenAPlacementsMentoringWhenTheStudentTeacherReadsTheirViewThenTheyGetItAll(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	var got mtStudentTeacherData
	answer(t, gql, &mtStudentAct, mtStudentTeacherQuery, &got, client.Var("id", mtStudent))
	v := got.StudentTeacher
	if v == nil {
		t.Fatal("no view")
	}
	if v.RecordID != mentoring.RecordIDFor(mtRound, mtStudent) || v.Round.ID != mtRound || v.Round.Name != "2027-28 first practicum" {
		t.Errorf("record %s round %+v: want the latest round's", v.RecordID, v.Round)
	}
	if v.Name == nil || *v.Name != "Dora Lam" || v.Placement.SchoolName != "Harbour View Secondary" || v.Placement.Status != "confirmed" ||
		v.Placement.Subject != "English" || len(v.Windows) != 1 || v.Windows[0].Name != "First block" {
		t.Errorf("student %v, placement %+v, windows %+v", v.Name, v.Placement, v.Windows)
	}
	if len(v.Mentors) != 2 || v.Mentors[0].ID != mtMentor || !v.Mentors[0].Assigned || v.Mentors[0].Name != "Amy Wong" ||
		v.Mentors[1].ID != mtTeacher || v.Mentors[1].Assigned || v.Mentors[1].Name != "Ben Ho" {
		t.Errorf("mentors = %+v, want the assigned mentor, then the teacher who observed", v.Mentors)
	}
	if v.TutorID != mtTutor {
		t.Errorf("tutor = %s", v.TutorID)
	}
	wantProgress := struct{ Mentor, Teacher, Tutor, MinimumMentor, MinimumTutor, MentorDue, TutorDue int }{1, 1, 1, 3, 2, 1, 1}
	if v.Progress != wantProgress {
		t.Errorf("progress = %+v, want %+v", v.Progress, wantProgress)
	}
	if v.LastObservedOn != "2027-10-20" || v.Unacknowledged != 2 || v.OpenConcerns != 0 {
		t.Errorf("last observed %s, %d unacknowledged, %d open concerns", v.LastObservedOn, v.Unacknowledged, v.OpenConcerns)
	}
	var order []string
	for _, o := range v.Observations {
		order = append(order, o.ID)
	}
	if !slices.Equal(order, []string{"obs-early", "obs-tutor", "obs-late"}) {
		t.Fatalf("observations in order %v, want by lesson date", order)
	}
	early, tutor, late := v.Observations[0], v.Observations[1], v.Observations[2]
	if early.Ratings["planning"] != 2 || late.Ratings["planning"] != 3 || early.ObserverRole != "teacher" ||
		early.ObserverName == nil || *early.ObserverName != "Ben Ho" || tutor.ObserverName != nil || late.ActionPoints[0] != "Time each activity" {
		t.Errorf("observations = %+v", v.Observations)
	}
	if early.AcknowledgedAt == nil || early.Response == nil || *early.Response != "I will wait longer for answers" || late.AcknowledgedAt != nil {
		t.Errorf("acknowledgements: early %v %v, late %v", early.AcknowledgedAt, early.Response, late.AcknowledgedAt)
	}
	if len(v.Meetings) != 1 || v.Meetings[0].Minutes != 40 || v.Meetings[0].Date != "2027-10-07" || v.Meetings[0].Targets[0] != "Plan three questions" {
		t.Errorf("meetings = %+v", v.Meetings)
	}
	if len(v.Reflections) != 1 || v.Reflections[0].Text != "Finding my voice" {
		t.Errorf("reflections = %+v", v.Reflections)
	}
	if len(v.Concerns) != 1 || v.Concerns[0].ResolvedAt == nil || v.Concerns[0].Note != "Plans on time since" {
		t.Errorf("concerns = %+v", v.Concerns)
	}
	if a := v.Assessment; a == nil || a.Recommendation != "distinction" || a.AssessedBy != mtMentor || a.MinimumOverride != "Tutor visit lost to a typhoon" {
		t.Errorf("assessment = %+v", a)
	}
	if m := v.Moderation; m == nil || m.Recommendation != "pass" || !m.Adjusted || m.Reason != "One tutor observation" || m.ModeratedBy != mtTutor {
		t.Errorf("moderation = %+v", m)
	}
}

func TestGivenTwoRoundsWhenAnEarlierRoundIsAskedForThenItsRecordIsShown(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	var got mtStudentTeacherData
	answer(t, gql, &mtStudentAct, mtStudentTeacherQuery, &got, client.Var("id", mtStudent), client.Var("round", mtEarlierRound))
	v := got.StudentTeacher
	if v == nil || v.Round.ID != mtEarlierRound || len(v.Observations) != 0 || v.Assessment != nil || v.Windows[0].From != "2027-02-01" {
		t.Errorf("view = %+v, want the earlier round's record", v)
	}
}

func TestWhenEachRoleReadsAStudentTeacherThenOnlyThoseWhoMayGetTheView(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	cases := []struct {
		name    string
		viewer  events.Actor
		student string
		allowed bool
	}{
		{"office reads anyone", mtOffice, mtOtherStudent, true},
		{"faculty reads anyone", mtFaculty, mtStudent, true},
		{"a tutor reads anyone", mtTutorActor, mtOtherStudent, true},
		{"a coordinator reads a student-teacher placed at their school", mtCoordA, mtStudent, true},
		{"a coordinator is refused one placed elsewhere", mtCoordA, mtOtherStudent, false},
		{"a mentor reads a student-teacher placed at their school", mtTeacherA, mtStudent, true},
		{"a mentor is refused one placed elsewhere", mtMentorBAct, mtStudent, false},
		{"a student-teacher reads their own", mtOtherStuAct, mtOtherStudent, true},
		{"a student-teacher is refused another's", mtOtherStuAct, mtStudent, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got mtStudentTeacherData
			codes := ask(t, gql, &c.viewer, mtStudentTeacherQuery, &got, client.Var("id", c.student))
			if c.allowed {
				if codes != nil || got.StudentTeacher == nil || got.StudentTeacher.StudentID != c.student {
					t.Errorf("got %+v, errors %+v; want the view", got.StudentTeacher, codes)
				}
				return
			}
			if got.StudentTeacher != nil || !slices.Equal(codes, []string{"FORBIDDEN"}) {
				t.Errorf("got %+v, errors %+v; want FORBIDDEN and no view", got.StudentTeacher, codes)
			}
		})
	}
}

func TestWhenAStudentTeacherWithNoRecordIsReadThenTheViewIsNullForThoseWhoSeeAllAndForbiddenForASchool(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	var got mtStudentTeacherData
	if codes := ask(t, gql, &mtFaculty, mtStudentTeacherQuery, &got, client.Var("id", mtNobody)); codes != nil || got.StudentTeacher != nil {
		t.Errorf("faculty: got %+v, errors %+v; want null", got.StudentTeacher, codes)
	}
	codes := ask(t, gql, &mtCoordA, mtStudentTeacherQuery, &got, client.Var("id", mtNobody))
	if !slices.Equal(codes, []string{"FORBIDDEN"}) {
		t.Errorf("coordinator: errors %+v; want FORBIDDEN, which tells nothing of where anyone is placed", codes)
	}
}

func TestWhenArgumentsAreMalformedOrNoOneIsSignedInThenTheViewsRefuse(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	var got map[string]any
	codes := ask(t, gql, &mtOffice, `{ studentTeacher(id: "dora") { recordId } }`, &got)
	if !slices.Equal(codes, []string{"VALIDATION id"}) {
		t.Errorf("malformed id: %+v, want VALIDATION on id", codes)
	}
	codes = ask(t, gql, &mtOffice, `{ mentor(id: "`+mtMentor+`") { mentees(roundId: "last") { recordId } } }`, &got)
	if !slices.Equal(codes, []string{"VALIDATION roundId"}) {
		t.Errorf("malformed roundId: %+v, want VALIDATION on roundId", codes)
	}
	codes = ask(t, gql, &mtOffice, `{ competencyFramework(version: 0) { name } }`, &got)
	if !slices.Equal(codes, []string{"VALIDATION version"}) {
		t.Errorf("version 0: %+v, want VALIDATION on version", codes)
	}
	for _, q := range []string{`{ studentTeacher(id: "` + mtStudent + `") { recordId } }`, `{ mentor(id: "` + mtMentor + `") { id } }`,
		`{ mentoringPolicy { amendDays } }`, `{ competencyFramework { name } }`} {
		if codes := ask(t, gql, nil, q, &got); !slices.Equal(codes, []string{"UNAUTHENTICATED"}) {
			t.Errorf("%s without a viewer: %+v, want UNAUTHENTICATED", q, codes)
		}
	}
}

const mtMentorQuery = `query($id: ID!, $round: ID) {
  mentor(id: $id) {
    id name
    school { id name }
    trainings { certificateId course level issuer schoolId completedOn expiresOn }
    mentees(roundId: $round) {
      recordId studentId name schoolId subject round { id name } windows { from to }
      progress { mentor teacher tutor minimumMentor minimumTutor mentorDue tutorDue }
      observationsDue lastObservedOn unacknowledged openConcerns
    }
  }
}`

type mtMentorData struct {
	Mentor *struct {
		ID        string
		Name      *string
		School    *struct{ ID, Name string }
		Trainings []struct {
			CertificateID, Level, CompletedOn string
			ExpiresOn                         *string
		}
		Mentees []struct {
			RecordID, StudentID, SchoolID string
			Name                          *string
			Round                         struct{ ID, Name string }
			Progress                      struct{ Mentor, Teacher, Tutor, MinimumMentor, MentorDue int }
			ObservationsDue               int
			LastObservedOn                *string
			Unacknowledged, OpenConcerns  int
		}
	}
}

func TestWhenAMentorReadsTheirViewThenTheySeeTrainingAndMenteesWithTheObservationsDue(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	var got mtMentorData
	answer(t, gql, &mtMentorActor, mtMentorQuery, &got, client.Var("id", mtMentor))
	m := got.Mentor
	if m == nil || m.Name == nil || *m.Name != "Amy Wong" || m.School == nil || m.School.ID != mtSchoolA || m.School.Name != "Harbour View Secondary" {
		t.Fatalf("mentor = %+v", m)
	}
	if len(m.Trainings) != 1 || m.Trainings[0].CertificateID != "QM-1" || m.Trainings[0].ExpiresOn == nil || *m.Trainings[0].ExpiresOn != "2029-06-30" {
		t.Errorf("trainings = %+v", m.Trainings)
	}
	if len(m.Mentees) != 2 || m.Mentees[0].Round.ID != mtRound || m.Mentees[1].Round.ID != mtEarlierRound {
		t.Fatalf("mentees = %+v, want both rounds, latest first", m.Mentees)
	}
	now, before := m.Mentees[0], m.Mentees[1]
	// Three needed; the mentor and another teacher of the school made one each.
	if now.ObservationsDue != 1 || now.Progress.Mentor != 1 || now.Progress.Teacher != 1 || now.Name == nil || *now.Name != "Dora Lam" ||
		now.LastObservedOn == nil || *now.LastObservedOn != "2027-10-20" || now.Unacknowledged != 2 {
		t.Errorf("this round's mentee = %+v", now)
	}
	if before.ObservationsDue != 3 || before.LastObservedOn != nil || before.Name != nil {
		t.Errorf("earlier round's mentee = %+v, want all 3 observations due and no name registered", before)
	}
	codes := ask(t, gql, &mtMentorActor, mtMentorQuery, &got, client.Var("id", mtMentor), client.Var("round", mtEarlierRound))
	if codes != nil || len(got.Mentor.Mentees) != 1 || got.Mentor.Mentees[0].Round.ID != mtEarlierRound {
		t.Errorf("mentees in the earlier round = %+v, errors %+v", got.Mentor.Mentees, codes)
	}
}

func TestWhenEachRoleReadsAMentorThenOnlyThoseWhoMayGetTheView(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	cases := []struct {
		name    string
		viewer  events.Actor
		mentor  string
		allowed bool
		mentees int
	}{
		{"office reads any mentor", mtOffice, mtMentorB, true, 1},
		{"faculty reads any mentor", mtFaculty, mtMentor, true, 2},
		{"a tutor reads any mentor", mtTutorActor, mtMentorB, true, 1},
		{"a coordinator reads a mentor of their school", mtCoordA, mtMentor, true, 2},
		{"a coordinator is refused a mentor of another school", mtCoordB, mtMentor, false, 0},
		{"a teacher reads a mentor of their school", mtTeacherA, mtMentor, true, 2},
		{"a mentor is refused a mentor of another school", mtMentorActor, mtMentorB, false, 0},
		{"a student-teacher is refused even their own mentor", mtStudentAct, mtMentor, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got mtMentorData
			codes := ask(t, gql, &c.viewer, mtMentorQuery, &got, client.Var("id", c.mentor))
			if c.allowed {
				if codes != nil || got.Mentor == nil || got.Mentor.ID != c.mentor || len(got.Mentor.Mentees) != c.mentees {
					t.Errorf("got %+v, errors %+v; want the view with %d mentees", got.Mentor, codes, c.mentees)
				}
				return
			}
			if got.Mentor != nil || !slices.Equal(codes, []string{"FORBIDDEN"}) {
				t.Errorf("got %+v, errors %+v; want FORBIDDEN and no view", got.Mentor, codes)
			}
		})
	}
}

func TestGivenAMentorWithMenteesAtTwoSchoolsWhenACoordinatorReadsThemThenOnlyTheirSchoolsMenteesShow(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	// The mentor moved to school B and mentors there too.
	moved := mentoring.RecordIDFor(mtEarlierRound, mtOtherStudent)
	w.Record(t, "mentoring", "record-"+moved, mtSystem,
		mentoring.RecordOpened{RecordID: moved, RoundID: mtEarlierRound, StudentID: mtOtherStudent, SchoolID: mtSchoolB, Subject: "Mathematics",
			Windows: []placement.Period{{From: "2027-02-01", To: "2027-03-12"}}},
		mentoring.RecordMentorAssigned{RecordID: moved, MentorID: mtMentor})

	var got mtMentorData
	answer(t, gql, &mtCoordB, mtMentorQuery, &got, client.Var("id", mtMentor))
	if got.Mentor == nil || got.Mentor.School == nil || got.Mentor.School.ID != mtSchoolB {
		t.Fatalf("mentor = %+v, want them as school B knows them", got.Mentor)
	}
	if len(got.Mentor.Mentees) != 1 || got.Mentor.Mentees[0].SchoolID != mtSchoolB {
		t.Errorf("mentees = %+v, want only the one at school B", got.Mentor.Mentees)
	}
	if codes := ask(t, gql, &mtMentorActor, mtMentorQuery, &got, client.Var("id", mtMentor)); codes != nil || len(got.Mentor.Mentees) != 3 {
		t.Errorf("the mentor themself: %d mentees, errors %+v; want all 3", len(got.Mentor.Mentees), codes)
	}
}

func TestGivenAMentorTrainedAtTwoSchoolsWhenEachReadsThemThenAnotherSchoolsStaffSeeOnlyTheTrainingRecordedForTheirSchool(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	// The mentor of school A also trained while teaching at school B.
	w.Record(t, "mentoring", "training-"+mtMentor, mtFaculty,
		mentoring.MentorTrainingRecorded{TeacherID: mtMentor, SchoolID: mtSchoolB, Course: "Supportive supervisor", Level: "II", Issuer: "EdUHK",
			CompletedOn: "2027-06-30", CertificateID: "SS-2"})

	for _, c := range []struct {
		name   string
		viewer events.Actor
		want   []string
	}{
		{"the coordinator of the school the mentor trained at", mtCoordB, []string{"SS-2"}},
		{"a mentor of the school the mentor trained at", mtMentorBAct, []string{"SS-2"}},
		{"the coordinator of the mentor's school", mtCoordA, []string{"QM-1"}},
		{"the mentor themself", mtMentorActor, []string{"QM-1", "SS-2"}},
		{"the office", mtOffice, []string{"QM-1", "SS-2"}},
		{"a tutor", mtTutorActor, []string{"QM-1", "SS-2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got mtMentorData
			if codes := ask(t, gql, &c.viewer, mtMentorQuery, &got, client.Var("id", mtMentor)); codes != nil || got.Mentor == nil {
				t.Fatalf("got %+v, errors %+v", got.Mentor, codes)
			}
			var certificates []string
			for _, tr := range got.Mentor.Trainings {
				certificates = append(certificates, tr.CertificateID)
			}
			same(t, "certificates", certificates, c.want)
		})
	}
}

func TestGivenAPolicySetAndAFrameworkPublishedThenEveryoneReadsThemAndTheDefaultVersionStays(t *testing.T) {
	w := newMentoringWorld(t)
	gql := readClient(w)
	w.Record(t, "mentoring", "framework", mtFaculty, mentoring.FrameworkPublished{Version: 2, Name: "Revised competencies",
		Domains: []mentoring.CompetencyDomain{{ID: "planning", Name: "Planning", Indicators: []string{"Sets objectives"}}},
		Scale:   []mentoring.ScaleLevel{{Value: 1, Label: "not yet", Descriptor: "Not shown"}, {Value: 2, Label: "shown", Descriptor: "Shown"}}})
	var got struct {
		MentoringPolicy struct{ MinMentorObservations, MinTutorObservations, AmendDays int }
		Latest          struct {
			Version int
			Name    string
			Domains []struct {
				ID         string
				Indicators []string
			}
			Scale []struct {
				Value int
				Label string
			}
		}
		First   struct{ Version int }
		Missing *struct{ Version int }
	}
	query := `{
	  mentoringPolicy { minMentorObservations minTutorObservations amendDays }
	  latest: competencyFramework { version name domains { id indicators } scale { value label } }
	  first: competencyFramework(version: 1) { version }
	  missing: competencyFramework(version: 9) { version }
	}`
	answer(t, gql, &mtOtherStuAct, query, &got)
	if p := got.MentoringPolicy; p.MinMentorObservations != 3 || p.MinTutorObservations != 2 || p.AmendDays != 7 {
		t.Errorf("policy = %+v", p)
	}
	if l := got.Latest; l.Version != 2 || l.Name != "Revised competencies" || len(l.Domains) != 1 || l.Domains[0].Indicators[0] != "Sets objectives" || l.Scale[1].Label != "shown" {
		t.Errorf("latest framework = %+v", l)
	}
	if got.First.Version != 1 || got.Missing != nil {
		t.Errorf("version 1 = %+v, version 9 = %+v; want the default and null", got.First, got.Missing)
	}
}
