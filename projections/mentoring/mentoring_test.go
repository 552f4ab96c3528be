package mentoring_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/events/mentoring"
	"wsms/events/placement"
	"wsms/platform/dbtest"
	"wsms/projections/projectiontest"

	rm "wsms/projections/mentoring"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	round   = "0190a000-0000-7000-8000-000000000001"
	student = "0190a000-0000-7000-8000-000000000002"
	school  = "0190a000-0000-7000-8000-000000000003"
	mentor  = "0190a000-0000-7000-8000-000000000004"
	teacher = "0190a000-0000-7000-8000-000000000005"
	tutor   = "0190a000-0000-7000-8000-000000000006"
)

var (
	record  = mentoring.RecordIDFor(round, student)
	stream  = "record-" + record
	faculty = events.Actor{ID: "faculty-1", Role: events.RoleFaculty}
	system  = events.Actor{ID: "placement-follower", Role: events.RoleSystem}
	// at is when the harness's n-th event (1-based) occurred.
	at = func(n int) time.Time { return projectiontest.Epoch.Add(time.Duration(n) * time.Minute) }
)

// openRecord records the events that open a record with its mentor and
// tutor: three events.
func openRecord(t *testing.T, h *projectiontest.Harness) {
	t.Helper()
	h.Record(t, "mentoring", stream, system,
		mentoring.RecordOpened{RecordID: record, RoundID: round, StudentID: student, SchoolID: school, Subject: "English",
			Windows: []placement.Period{{From: "2027-10-04", To: "2027-11-26", Name: "First block"}}},
		mentoring.RecordMentorAssigned{RecordID: record, MentorID: mentor})
	h.Record(t, "mentoring", stream, faculty, mentoring.RecordTutorAssigned{RecordID: record, TutorID: tutor})
}

func observation(id, observer, role, date string) mentoring.ObservationRecorded {
	return mentoring.ObservationRecorded{RecordID: record, ObservationID: id, ObserverID: observer, ObserverRole: role,
		RecordedOn: placement.Date(date), Content: mentoring.ObservationContent{
			Date: placement.Date(date), Class: "2C", Subject: "English", Topic: "Persuasive writing", FrameworkVersion: 1,
			Ratings: map[string]int{"planning": 3, "management": 2}, Strengths: "Clear objectives",
			AreasForDevelopment: "Wait time", ActionPoints: []string{"Plan questions"},
		}}
}

// counters is the record's running counts.
type counters struct {
	Mentor, Teacher, Tutor, Unacknowledged, OpenConcerns, Meetings, Reflections int
	LastObserved                                                                *string
}

func recordCounters(t *testing.T, h *projectiontest.Harness) counters {
	t.Helper()
	var c counters
	err := h.DB.QueryRow(context.Background(), `
		SELECT mentor_observations, teacher_observations, tutor_observations, unacknowledged, open_concerns, meetings, reflections,
		       to_char(last_observed_on, 'YYYY-MM-DD')
		  FROM rm_mentoring.records WHERE record_id = $1`, record).
		Scan(&c.Mentor, &c.Teacher, &c.Tutor, &c.Unacknowledged, &c.OpenConcerns, &c.Meetings, &c.Reflections, &c.LastObserved)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGivenNoPolicyEventThenTheDefaultPolicyAndFrameworkAreInForce(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	var minMentor, minTutor, amend int
	if err := h.DB.QueryRow(context.Background(), "SELECT min_mentor_observations, min_tutor_observations, amend_days FROM rm_mentoring.policy").
		Scan(&minMentor, &minTutor, &amend); err != nil {
		t.Fatal(err)
	}
	if minMentor != 4 || minTutor != 2 || amend != 7 {
		t.Errorf("default policy = %d/%d/%d, want 4/2/7 as the mentoring service applies", minMentor, minTutor, amend)
	}
	var domains, levels int
	if err := h.DB.QueryRow(context.Background(), "SELECT jsonb_array_length(domains), jsonb_array_length(scale) FROM rm_mentoring.frameworks WHERE version = 1").
		Scan(&domains, &levels); err != nil {
		t.Fatal(err)
	}
	if domains != 6 || levels != 4 {
		t.Errorf("framework version 1 has %d domains and %d levels, want 6 and 4", domains, levels)
	}
}

func TestGivenPolicySetTwiceThenTheLatestIsTheOneRow(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "mentoring", "policy", faculty,
		mentoring.PolicySet{MinMentorObservations: 5, MinTutorObservations: 1, AmendDays: 3},
		mentoring.PolicySet{MinMentorObservations: 6, MinTutorObservations: 2, AmendDays: 10})
	rows, err := h.DB.Query(context.Background(), "SELECT min_mentor_observations, min_tutor_observations, amend_days FROM rm_mentoring.policy")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Mentor, Tutor, Amend int }])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Mentor != 6 || got[0].Tutor != 2 || got[0].Amend != 10 {
		t.Errorf("policy rows = %+v, want one row 6/2/10", got)
	}
}

func TestGivenFrameworkPublishedThenItsVersionIsStoredBesideTheDefault(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "mentoring", "framework", faculty, mentoring.FrameworkPublished{Version: 2, Name: "Revised",
		Domains: []mentoring.CompetencyDomain{{ID: "planning", Name: "Planning", Indicators: []string{"Objectives"}}},
		Scale:   []mentoring.ScaleLevel{{Value: 1, Label: "no"}, {Value: 2, Label: "yes"}}})
	var name, domain, label string
	var versions int
	err := h.DB.QueryRow(context.Background(), `
		SELECT name, domains->0->>'id', scale->1->>'label', (SELECT count(*) FROM rm_mentoring.frameworks)
		  FROM rm_mentoring.frameworks WHERE version = 2`).Scan(&name, &domain, &label, &versions)
	if err != nil {
		t.Fatal(err)
	}
	if name != "Revised" || domain != "planning" || label != "yes" || versions != 2 {
		t.Errorf("version 2 = %q %q %q, %d versions; want Revised planning yes, 2 versions", name, domain, label, versions)
	}
}

func TestGivenMentorTrainingRecordedThenTheCertificateIsStoredWithItsExpiry(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	h.Record(t, "mentoring", "training-"+mentor, faculty,
		mentoring.MentorTrainingRecorded{TeacherID: mentor, SchoolID: school, Course: "Quality mentor", Level: "I", Issuer: "EdUHK",
			CompletedOn: "2026-06-30", CertificateID: "C-1", ExpiresOn: "2029-06-30"},
		mentoring.MentorTrainingRecorded{TeacherID: mentor, SchoolID: school, Course: "Supportive supervisor", Level: "II", Issuer: "EdUHK",
			CompletedOn: "2027-01-15", CertificateID: "C-2"})
	rows, err := h.DB.Query(context.Background(), `
		SELECT certificate_id, level, to_char(completed_on, 'YYYY-MM-DD'), to_char(expires_on, 'YYYY-MM-DD')
		  FROM rm_mentoring.trainings WHERE teacher_id = $1 AND school_id = $2 ORDER BY certificate_id`, mentor, school)
	if err != nil {
		t.Fatal(err)
	}
	type training struct {
		Certificate, Level, Completed string
		Expires                       *string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[training])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Expires == nil || *got[0].Expires != "2029-06-30" || got[0].Completed != "2026-06-30" ||
		got[1].Expires != nil || got[1].Level != "II" {
		t.Errorf("trainings = %+v, want C-1 expiring 2029-06-30 and C-2 (level II) never expiring", got)
	}
}

func TestGivenRecordOpenedWithMentorAndTutorThenTheRecordNamesThemWithNoCounts(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	var subject, window string
	var mentorID, tutorID *string
	var opened time.Time
	err := h.DB.QueryRow(context.Background(), `
		SELECT subject, windows->0->>'from', mentor_id, tutor_id, opened_at FROM rm_mentoring.records
		 WHERE record_id = $1 AND round_id = $2 AND student_id = $3 AND school_id = $4`, record, round, student, school).
		Scan(&subject, &window, &mentorID, &tutorID, &opened)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "English" || window != "2027-10-04" || mentorID == nil || *mentorID != mentor || tutorID == nil || *tutorID != tutor {
		t.Errorf("record = %s %s mentor %v tutor %v", subject, window, mentorID, tutorID)
	}
	if !opened.Equal(at(1)) {
		t.Errorf("opened at %s, want %s", opened, at(1))
	}
	if c := recordCounters(t, h); c != (counters{}) {
		t.Errorf("counters = %+v, want all zero", c)
	}
}

func TestGivenObservationsByEachRoleThenEachRoleIsCountedAndTheLatestLessonIsLastObserved(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	h.Record(t, "mentoring", stream, events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school},
		observation("obs-1", mentor, mentoring.ObserverMentor, "2027-10-20"),
		observation("obs-2", mentor, mentoring.ObserverMentor, "2027-10-06"))
	h.Record(t, "mentoring", stream, events.Actor{ID: teacher, Role: events.RoleMentor, SchoolID: school},
		observation("obs-3", teacher, mentoring.ObserverTeacher, "2027-10-12"))
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		observation("obs-4", tutor, mentoring.ObserverTutor, "2027-10-15"))

	want := counters{Mentor: 2, Teacher: 1, Tutor: 1, Unacknowledged: 4, LastObserved: ptr("2027-10-20")}
	if c := recordCounters(t, h); !sameCounters(c, want) {
		t.Errorf("counters = %+v, want %+v", c, want)
	}
	var role, lesson, topic string
	var rating, amendments int
	var actions []string
	var recordedAt time.Time
	err := h.DB.QueryRow(context.Background(), `
		SELECT observer_role, to_char(lesson_date, 'YYYY-MM-DD'), topic, (ratings->>'planning')::int, action_points, amendments, recorded_at
		  FROM rm_mentoring.observations WHERE record_id = $1 AND observation_id = 'obs-3'`, record).
		Scan(&role, &lesson, &topic, &rating, &actions, &amendments, &recordedAt)
	if err != nil {
		t.Fatal(err)
	}
	if role != "teacher" || lesson != "2027-10-12" || topic != "Persuasive writing" || rating != 3 || len(actions) != 1 || amendments != 0 || !recordedAt.Equal(at(6)) {
		t.Errorf("obs-3 = %s %s %s %d %v %d %s", role, lesson, topic, rating, actions, amendments, recordedAt)
	}
}

func TestGivenAnAcknowledgedObservationAmendedThenItsContentIsReplacedAndItAwaitsAcknowledgementAgain(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	mentorActor := events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school}
	joint := observation("obs-1", mentor, mentoring.ObserverMentor, "2027-10-20")
	joint.CoObserverID = tutor
	h.Record(t, "mentoring", stream, mentorActor, joint)
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		mentoring.ObservationCoSigned{RecordID: record, ObservationID: "obs-1", CoObserverID: tutor})
	h.Record(t, "mentoring", stream, events.Actor{ID: student, Role: events.RoleStudentTeacher},
		mentoring.ObservationAcknowledged{RecordID: record, ObservationID: "obs-1", Response: "Thank you"})
	if c := recordCounters(t, h); c.Unacknowledged != 0 {
		t.Fatalf("acknowledged: %d unacknowledged, want 0", c.Unacknowledged)
	}

	amended := observation("obs-1", mentor, mentoring.ObserverMentor, "2027-10-13").Content
	amended.Topic = "Argument structure"
	amended.Ratings = map[string]int{"planning": 4}
	h.Record(t, "mentoring", stream, mentorActor,
		mentoring.ObservationAmended{RecordID: record, ObservationID: "obs-1", Content: amended, Reason: "wrong lesson"})

	var topic, lesson string
	var rating, amendments int
	var cosigned bool
	var ackAt *time.Time
	var response *string
	err := h.DB.QueryRow(context.Background(), `
		SELECT topic, to_char(lesson_date, 'YYYY-MM-DD'), (ratings->>'planning')::int, amendments, cosigned, acknowledged_at, response
		  FROM rm_mentoring.observations WHERE record_id = $1 AND observation_id = 'obs-1'`, record).
		Scan(&topic, &lesson, &rating, &amendments, &cosigned, &ackAt, &response)
	if err != nil {
		t.Fatal(err)
	}
	if topic != "Argument structure" || lesson != "2027-10-13" || rating != 4 || amendments != 1 {
		t.Errorf("amended = %s %s %d, %d amendments; want the new content and 1 amendment", topic, lesson, rating, amendments)
	}
	if cosigned || ackAt != nil || response != nil {
		t.Errorf("after amending: cosigned %v, acknowledged %v, response %v; want the signature and acknowledgement cleared", cosigned, ackAt, response)
	}
	want := counters{Mentor: 1, Unacknowledged: 1, LastObserved: ptr("2027-10-13")}
	if c := recordCounters(t, h); !sameCounters(c, want) {
		t.Errorf("counters = %+v, want %+v (the lesson moved back, and it waits again)", c, want)
	}
}

func TestGivenAnObservationCoSignedAndAcknowledgedThenTheRowSaysSo(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	joint := observation("obs-1", mentor, mentoring.ObserverMentor, "2027-10-20")
	joint.CoObserverID = tutor
	h.Record(t, "mentoring", stream, events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school}, joint,
		observation("obs-2", mentor, mentoring.ObserverMentor, "2027-10-21"))
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		mentoring.ObservationCoSigned{RecordID: record, ObservationID: "obs-1", CoObserverID: tutor})
	h.Record(t, "mentoring", stream, events.Actor{ID: student, Role: events.RoleStudentTeacher},
		mentoring.ObservationAcknowledged{RecordID: record, ObservationID: "obs-1", Response: "I will plan questions"},
		mentoring.ObservationAcknowledged{RecordID: record, ObservationID: "obs-2"})

	rows, err := h.DB.Query(context.Background(), `
		SELECT observation_id, co_observer_id, cosigned, acknowledged_at, response
		  FROM rm_mentoring.observations WHERE record_id = $1 ORDER BY observation_id`, record)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID         string
		CoObserver *string
		Cosigned   bool
		AckAt      time.Time
		Response   *string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	if got[0].CoObserver == nil || *got[0].CoObserver != tutor || !got[0].Cosigned || !got[0].AckAt.Equal(at(7)) ||
		got[0].Response == nil || *got[0].Response != "I will plan questions" {
		t.Errorf("obs-1 = %+v, want co-signed by the tutor, acknowledged at %s with the response", got[0], at(7))
	}
	if got[1].CoObserver != nil || got[1].Cosigned || !got[1].AckAt.Equal(at(8)) || got[1].Response != nil {
		t.Errorf("obs-2 = %+v, want no co-observer, acknowledged at %s without a response", got[1], at(8))
	}
	if c := recordCounters(t, h); c.Unacknowledged != 0 {
		t.Errorf("%d unacknowledged, want 0", c.Unacknowledged)
	}
}

func TestGivenMeetingsAndReflectionsThenTheyAreStoredAndCounted(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	h.Record(t, "mentoring", stream, events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school},
		mentoring.MentoringMeetingLogged{RecordID: record, MeetingID: "m-1", MentorID: mentor, Date: "2027-10-08", Minutes: 45,
			Topics: []string{"Lesson planning"}, Targets: []string{"Three-part lesson"}})
	h.Record(t, "mentoring", stream, events.Actor{ID: student, Role: events.RoleStudentTeacher},
		mentoring.ReflectionSubmitted{RecordID: record, ReflectionID: "r-1", Date: "2027-10-09", Text: "My first week"})

	var minutes int
	var topics, targets []string
	var text, date string
	var submitted time.Time
	err := h.DB.QueryRow(context.Background(), `
		SELECT m.minutes, m.topics, m.targets, r.text, to_char(r.date, 'YYYY-MM-DD'), r.submitted_at
		  FROM rm_mentoring.meetings m JOIN rm_mentoring.reflections r USING (record_id)
		 WHERE record_id = $1 AND m.mentor_id = $2 AND m.date = '2027-10-08'`, record, mentor).
		Scan(&minutes, &topics, &targets, &text, &date, &submitted)
	if err != nil {
		t.Fatal(err)
	}
	if minutes != 45 || len(topics) != 1 || targets[0] != "Three-part lesson" || text != "My first week" || date != "2027-10-09" || !submitted.Equal(at(5)) {
		t.Errorf("meeting %d %v %v, reflection %q %s %s", minutes, topics, targets, text, date, submitted)
	}
	if c := recordCounters(t, h); c.Meetings != 1 || c.Reflections != 1 {
		t.Errorf("counters = %+v, want 1 meeting and 1 reflection", c)
	}
}

func TestGivenTwoConcernsRaisedAndOneResolvedThenOneIsOpen(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		mentoring.ConcernRaised{RecordID: record, ConcernID: "c-1", RaisedBy: tutor, Category: "planning", Severity: "medium", Description: "No plans"},
		mentoring.ConcernRaised{RecordID: record, ConcernID: "c-2", RaisedBy: tutor, Category: "attendance", Severity: "high", Description: "Absent"},
		mentoring.ConcernResolved{RecordID: record, ConcernID: "c-1", Note: "Plans in place"})

	rows, err := h.DB.Query(context.Background(), `
		SELECT concern_id, severity, raised_at, resolved_at, resolution_note FROM rm_mentoring.concerns WHERE record_id = $1 ORDER BY concern_id`, record)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Severity string
		Raised       time.Time
		Resolved     *time.Time
		Note         *string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Raised.Equal(at(4)) || got[0].Resolved == nil || !got[0].Resolved.Equal(at(6)) || *got[0].Note != "Plans in place" {
		t.Errorf("c-1 = %+v, want raised at %s and resolved at %s with its note", got[0], at(4), at(6))
	}
	if got[1].Severity != "high" || got[1].Resolved != nil {
		t.Errorf("c-2 = %+v, want open", got[1])
	}
	if c := recordCounters(t, h); c.OpenConcerns != 1 {
		t.Errorf("%d open concerns, want 1", c.OpenConcerns)
	}
}

func TestGivenAnAssessmentResubmittedAndModeratedThenTheLatestSubmissionAndTheModerationAreOnTheRecord(t *testing.T) {
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	mentorActor := events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school}
	h.Record(t, "mentoring", stream, mentorActor,
		mentoring.FinalAssessmentSubmitted{RecordID: record, MentorID: mentor, Recommendation: "pass", Summary: "Solid", MinimumOverride: "Illness"},
		mentoring.FinalAssessmentSubmitted{RecordID: record, MentorID: mentor, Recommendation: "distinction", Summary: "Outstanding"})
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		mentoring.AssessmentModerated{RecordID: record, TutorID: tutor, Recommendation: "pass", Adjusted: true, Reason: "Evidence thin"})

	var rec, summary, by, modRec, modReason, modBy string
	var override *string
	var adjusted bool
	var assessedAt, moderatedAt time.Time
	err := h.DB.QueryRow(context.Background(), `
		SELECT recommendation, assessment_summary, assessed_by, minimum_override, assessed_at,
		       moderated_recommendation, moderation_adjusted, moderation_reason, moderated_by, moderated_at
		  FROM rm_mentoring.records WHERE record_id = $1`, record).
		Scan(&rec, &summary, &by, &override, &assessedAt, &modRec, &adjusted, &modReason, &modBy, &moderatedAt)
	if err != nil {
		t.Fatal(err)
	}
	if rec != "distinction" || summary != "Outstanding" || by != mentor || override != nil || !assessedAt.Equal(at(5)) {
		t.Errorf("assessment = %s %q by %s override %v at %s; want the resubmission", rec, summary, by, override, assessedAt)
	}
	if modRec != "pass" || !adjusted || modReason != "Evidence thin" || modBy != tutor || !moderatedAt.Equal(at(6)) {
		t.Errorf("moderation = %s adjusted %v %q by %s at %s", modRec, adjusted, modReason, modBy, moderatedAt)
	}
}

func sameCounters(a, b counters) bool {
	la, lb := a.LastObserved, b.LastObserved
	a.LastObserved, b.LastObserved = nil, nil
	return a == b && (la == nil) == (lb == nil) && (la == nil || *la == *lb)
}

func ptr[T any](v T) *T { return &v }

// coverage reads what the faculty dashboard reads of the round: its
// records, those meeting the minimum, and whether the record is short of it.
func coverage(t *testing.T, h *projectiontest.Harness) (records, meeting int, short bool, lastDay string) {
	t.Helper()
	ctx := context.Background()
	if err := h.DB.QueryRow(ctx, `SELECT records, meeting_minimum FROM rm_mentoring.round_coverage WHERE round_id = $1`, round).
		Scan(&records, &meeting); err != nil {
		t.Fatalf("round coverage: %v", err)
	}
	if err := h.DB.QueryRow(ctx, `SELECT short, last_window_day::text FROM rm_mentoring.records WHERE record_id = $1`, record).
		Scan(&short, &lastDay); err != nil {
		t.Fatalf("record: %v", err)
	}
	return records, meeting, short, lastDay
}

func TestGivenARecordReachingTheMinimumThenTheRoundCoverageCountsIt(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	if n, meeting, short, last := coverage(t, h); n != 1 || meeting != 0 || !short || last != "2027-11-26" {
		t.Fatalf("opened: records %d meeting %d short %t last day %s, want 1 0 true 2027-11-26", n, meeting, short, last)
	}

	// The default policy asks for 4 by the school's teachers and 2 by the tutor.
	h.Record(t, "mentoring", stream, events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school},
		observation("o1", mentor, mentoring.ObserverMentor, "2027-10-05"),
		observation("o2", mentor, mentoring.ObserverMentor, "2027-10-06"),
		observation("o3", teacher, mentoring.ObserverTeacher, "2027-10-07"),
		observation("o4", mentor, mentoring.ObserverMentor, "2027-10-08"),
		observation("o5", tutor, mentoring.ObserverTutor, "2027-10-09"))
	if _, meeting, short, _ := coverage(t, h); meeting != 0 || !short {
		t.Fatalf("one tutor observation short: meeting %d short %t, want 0 true", meeting, short)
	}
	h.Record(t, "mentoring", stream, events.Actor{ID: tutor, Role: events.RoleTutor},
		observation("o6", tutor, mentoring.ObserverTutor, "2027-10-10"))
	if n, meeting, short, _ := coverage(t, h); n != 1 || meeting != 1 || short {
		t.Fatalf("at the minimum: records %d meeting %d short %t, want 1 1 false", n, meeting, short)
	}
}

func TestGivenAStricterPolicyThenRecordsThatMetTheOldOneAreShortAgain(t *testing.T) {
	t.Parallel()
	h := projectiontest.New(t, rm.Projection)
	openRecord(t, h)
	h.Record(t, "mentoring", "policy", faculty, mentoring.PolicySet{MinMentorObservations: 1, MinTutorObservations: 0, AmendDays: 7})
	h.Record(t, "mentoring", stream, events.Actor{ID: mentor, Role: events.RoleMentor, SchoolID: school},
		observation("o1", mentor, mentoring.ObserverMentor, "2027-10-05"))
	if _, meeting, short, _ := coverage(t, h); meeting != 1 || short {
		t.Fatalf("under the lenient policy: meeting %d short %t, want 1 false", meeting, short)
	}

	h.Record(t, "mentoring", "policy", faculty, mentoring.PolicySet{MinMentorObservations: 2, MinTutorObservations: 0, AmendDays: 7})

	if n, meeting, short, _ := coverage(t, h); n != 1 || meeting != 0 || !short {
		t.Fatalf("under the stricter policy: records %d meeting %d short %t, want 1 0 true", n, meeting, short)
	}
}
