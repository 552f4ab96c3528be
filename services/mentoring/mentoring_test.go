package mentoring_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/events"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/mentoring"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/command"
	"wsms/platform/dbtest"
	"wsms/platform/errs"
	"wsms/platform/natstest"
	"wsms/platform/servicetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// running is a mentoring service started for a test, with a stand-in for
// the placement service: its event store and relay, which is all the
// mentoring service ever sees of it.
type running struct {
	db         *pgxpool.Pool
	nc         *nats.Conn
	namespace  string
	placements *servicetest.Publisher
}

func start(t testing.TB) running {
	t.Helper()
	rs := running{db: dbtest.New(t), namespace: natstest.Namespace()}
	rs.nc = natstest.Start(t).Connect(t)
	servicetest.Run(t, mentoring.Spec, rs.db, rs.nc, rs.namespace)
	rs.placements = servicetest.NewPublisher(t, rs.db, rs.nc, rs.namespace, "placement", ep.Register)
	return rs
}

func trySend[C any](rs running, name string, actor events.Actor, c C) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := command.Send(ctx, rs.nc, command.Subject(rs.namespace, "mentoring", name), command.Request[C]{Command: c, Actor: actor})
	return err
}

func send[C any](t *testing.T, rs running, name string, actor events.Actor, c C) {
	t.Helper()
	if err := trySend(rs, name, actor, c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// eventually retries check until it succeeds, for what another process does
// in its own time.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func day(offset int) ep.Date {
	return ep.Date(time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02"))
}

func observation(offset int, class string, rating int) em.ObservationContent {
	ratings := map[string]int{}
	for _, d := range em.DefaultFramework().Domains {
		ratings[d.ID] = rating
	}
	return em.ObservationContent{Date: day(offset), Class: class, Subject: "English", Topic: "Persuasive writing",
		FrameworkVersion: 1, Ratings: ratings, Strengths: "Clear modelling", AreasForDevelopment: "Wait time", ActionPoints: []string{"Plan open questions"}}
}

// TestRecordLifeEndToEnd follows one mentoring record through NATS and
// PostgreSQL from the placement's confirmation to moderation, then edits a
// stored event behind the service's back and has the tamper check find it.
func TestRecordLifeEndToEnd(t *testing.T) {
	t.Parallel()
	rs := start(t)
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	roundID, studentID, schoolID, mentorID, teacherID, tutorID := id(), id(), id(), id(), id(), id()
	recordID := em.RecordIDFor(roundID, studentID)

	rs.placements.Record(t, "round-"+roundID, ep.PlacementRoundOpened{RoundID: roundID, Name: "Block Practice 1", SchoolYear: 2027,
		Windows: []ep.Period{{From: day(-10), To: day(30)}}, OfferDeadline: day(-40), PreferenceDeadline: day(-30), MaxPreferences: 10, MaxTravelMinutes: 60})
	rs.placements.Record(t, "round-"+roundID, ep.PlacementConfirmed{RoundID: roundID, StudentID: studentID, SchoolID: schoolID, Subject: "English"})
	rs.placements.Record(t, "round-"+roundID, ep.MentorAssigned{RoundID: roundID, StudentID: studentID, SchoolID: schoolID, TeacherID: mentorID})

	faculty := events.Actor{ID: "faculty-1", Role: events.RoleFaculty}
	mentor := events.Actor{ID: mentorID, Role: events.RoleMentor, SchoolID: schoolID}
	teacher := events.Actor{ID: teacherID, Role: events.RoleMentor, SchoolID: schoolID}
	tutor := events.Actor{ID: tutorID, Role: events.RoleTutor}
	student := events.Actor{ID: studentID, Role: events.RoleStudentTeacher}

	// The process opens the record and names the mentor in its own time.
	eventually(t, "the record is opened with its mentor", func() error {
		return trySend(rs, "log-mentoring-meeting", mentor, domain.LogMentoringMeeting{RecordID: recordID, MeetingID: id(), Date: day(-1),
			Minutes: 40, Topics: []string{"Lesson planning"}, Targets: []string{"Share plans two days ahead"}})
	})
	send(t, rs, "assign-tutor", faculty, domain.AssignTutor{RecordID: recordID, TutorID: tutorID})

	// A teacher of another school may not observe.
	outsider := events.Actor{ID: id(), Role: events.RoleMentor, SchoolID: id()}
	if err := trySend(rs, "record-observation", outsider, domain.RecordObservation{RecordID: recordID, ObservationID: id(), Content: observation(0, "4B", 3)}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("outsider observing: %v, want FORBIDDEN", err)
	}
	// A rating off the scale names the domain and the rule.
	bad := observation(0, "4B", 3)
	bad.Ratings["planning"] = 5
	err := trySend(rs, "record-observation", mentor, domain.RecordObservation{RecordID: recordID, ObservationID: id(), Content: bad})
	if e := errs.As(err); err == nil || e.Field != "content.ratings.planning" || e.Rule != "scale" {
		t.Fatalf("rating 5: %v, want VALIDATION on content.ratings.planning (scale)", err)
	}

	// Under WSMS any teacher of the school observes, besides the mentor.
	first := id()
	send(t, rs, "record-observation", mentor, domain.RecordObservation{RecordID: recordID, ObservationID: first, Content: observation(-9, "4B", 2)})
	for i, who := range []events.Actor{mentor, teacher, teacher} {
		send(t, rs, "record-observation", who, domain.RecordObservation{RecordID: recordID, ObservationID: id(), Content: observation(-8+i, "4C", 3)})
	}
	joint := id()
	send(t, rs, "record-observation", tutor, domain.RecordObservation{RecordID: recordID, ObservationID: joint, CoObserverID: mentorID, Content: observation(-5, "4B", 3)})
	send(t, rs, "cosign-observation", mentor, domain.CoSignObservation{RecordID: recordID, ObservationID: joint})
	send(t, rs, "record-observation", tutor, domain.RecordObservation{RecordID: recordID, ObservationID: id(), Content: observation(-2, "4B", 4)})

	// Only the author amends, with a reason.
	amended := observation(-9, "4A", 2)
	if err := trySend(rs, "amend-observation", teacher, domain.AmendObservation{RecordID: recordID, ObservationID: first, Content: amended, Reason: "Class"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("amend by another: %v, want FORBIDDEN", err)
	}
	send(t, rs, "amend-observation", mentor, domain.AmendObservation{RecordID: recordID, ObservationID: first, Content: amended, Reason: "The lesson was with 4A"})
	send(t, rs, "acknowledge-observation", student, domain.AcknowledgeObservation{RecordID: recordID, ObservationID: first, Response: "I will plan wait time"})
	send(t, rs, "submit-reflection", student, domain.SubmitReflection{RecordID: recordID, ReflectionID: id(), Date: day(-1), Text: "Peer review worked."})
	concern := id()
	send(t, rs, "raise-concern", tutor, domain.RaiseConcern{RecordID: recordID, ConcernID: concern, Category: "classroom management", Severity: "medium", Description: "Slow transitions"})
	send(t, rs, "resolve-concern", mentor, domain.ResolveConcern{RecordID: recordID, ConcernID: concern, Note: "Routines in place"})
	send(t, rs, "submit-final-assessment", mentor, domain.SubmitFinalAssessment{RecordID: recordID, Recommendation: "pass", Summary: "Steady growth"})
	if err := trySend(rs, "moderate-assessment", tutor, domain.ModerateAssessment{RecordID: recordID, Recommendation: "distinction"}); errs.As(err).Field != "reason" {
		t.Fatalf("adjusting without a reason: %v, want VALIDATION on reason", err)
	}
	send(t, rs, "moderate-assessment", tutor, domain.ModerateAssessment{RecordID: recordID, Recommendation: "distinction", Reason: "Six strong observations"})
	if err := trySend(rs, "submit-final-assessment", mentor, domain.SubmitFinalAssessment{RecordID: recordID, Recommendation: "fail", Summary: "x"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("after moderation: %v, want CONFLICT: the record is locked", err)
	}

	verify := func() app.VerifyRecordAnswer {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := command.Ask[app.VerifyRecord, app.VerifyRecordAnswer](ctx, rs.nc, command.Subject(rs.namespace, "mentoring", "verify-record"),
			command.Question[app.VerifyRecord]{Query: app.VerifyRecord{RecordID: recordID}, Actor: faculty})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if v := verify(); !v.Intact || v.Events < 18 {
		t.Fatalf("verification before tampering: %+v, want intact with every event", v)
	}
	// Someone with database access softens a rating of the fifth event.
	tag, err := rs.db.Exec(context.Background(), `UPDATE mentoring.events SET data = replace(data::text, '"planning":2', '"planning":3')::json
		WHERE stream_id = $1 AND stream_version = 5`, domain.RecordStream(recordID))
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("tamper: %v, %d rows", err, tag.RowsAffected())
	}
	if v := verify(); v.Intact || v.BrokenAt != 5 {
		t.Fatalf("verification after tampering: %+v, want the link of version 5 broken", v)
	}
}
