package demo_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	ef "wsms/events/forum"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/forum"
	"wsms/mentoring"
	"wsms/placement"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/servicetest"
	"wsms/tools/demo"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var serviceNames = []string{"placement", "mentoring", "forum"}

// recorded is every event of every service, by service.
func recorded(t *testing.T, db *pgxpool.Pool) map[string][]events.Envelope {
	t.Helper()
	all := map[string][]events.Envelope{}
	for _, svc := range serviceNames {
		evs, err := eventstore.New(db, svc).ReadAfter(context.Background(), 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		all[svc] = evs
	}
	return all
}

// heads is the position each service's event store has reached.
func heads(t *testing.T, db *pgxpool.Pool) map[string]int64 {
	t.Helper()
	h := map[string]int64{}
	for _, svc := range serviceNames {
		p, err := eventstore.New(db, svc).Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		h[svc] = p
	}
	return h
}

// of is the events of one type in a stream (every stream when stream is "").
func of(evs []events.Envelope, stream, typ string) []events.Envelope {
	var out []events.Envelope
	for _, e := range evs {
		if e.Type == typ && (stream == "" || e.StreamID == stream) {
			out = append(out, e)
		}
	}
	return out
}

func decode[T any](t *testing.T, e events.Envelope) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", e.Type, err)
	}
	return v
}

// TestTheDemoLoadsALivingPartnershipOnce loads the demo into an empty
// system and finds what the dashboards show: every school's teachers and
// trained mentors, the round published with its placements confirmed but one
// declined and re-allocated, mentors assigned and the records opened by the
// process manager naming them, the tutor assigned, the featured
// student-teacher's mentoring, an open concern, and the forum with its
// programme, delegates, practice, renewal agenda and a school accepted into
// the partnership. Loading again records nothing new.
func TestTheDemoLoadsALivingPartnershipOnce(t *testing.T) {
	// The three services, with their process managers, on a fresh database
	// and NATS.
	sys := servicetest.RunAll(t, 16, placement.Spec, mentoring.Spec, forum.Spec)
	db, nc, namespace := sys.DB, sys.NATS, sys.Namespace
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	began := time.Now()
	sent, err := demo.Load(ctx, nc, namespace)
	if err != nil {
		t.Fatalf("load the demo: %v", err)
	}
	t.Logf("the demo sent %d commands in %s", sent, time.Since(began).Round(time.Millisecond))
	all := recorded(t, db)
	p, m, f := all["placement"], all["mentoring"], all["forum"]

	if n := len(of(p, "", ep.TeacherAddedV1)); n != 15 {
		t.Errorf("%d teachers added, want 3 at each of 5 schools", n)
	}
	if n := len(of(p, "", ep.TeacherMentorNamedV1)); n != 10 {
		t.Errorf("%d teacher-mentors named, want 2 at each of 5 schools", n)
	}
	if n := len(of(m, "", em.MentorTrainingRecordedV1)); n != 11 {
		t.Errorf("%d mentor trainings recorded, want one for each of 10 mentors and a second level for one", n)
	}

	round := "round-" + demo.RoundID
	allocation := decode[ep.AllocationRecorded](t, of(p, round, ep.AllocationRecordedV1)[0])
	confirmed, declined := of(p, round, ep.PlacementConfirmedV1), of(p, round, ep.PlacementDeclinedV1)
	if len(of(p, round, ep.AllocationPublishedV1)) != 1 || len(declined) != 1 || len(confirmed) != len(allocation.Placements)-1 {
		t.Fatalf("%d placements allocated, %d confirmed, %d declined; want the allocation published and all confirmed but one declined",
			len(allocation.Placements), len(confirmed), len(declined))
	}
	again := of(p, round, ep.StudentTeacherReallocatedV1)
	if len(again) != 1 || decode[ep.StudentTeacherReallocated](t, again[0]).Placement == nil {
		t.Errorf("re-allocations %v, want the declined student-teacher placed again, awaiting the new host", again)
	}
	if n := len(of(p, round, ep.MentorAssignedV1)); n != len(confirmed) {
		t.Errorf("%d mentors assigned to %d confirmed placements, want one each", n, len(confirmed))
	}
	for _, c := range confirmed {
		if c.Actor.Role != events.RoleSchoolCoordinator || c.Actor.SchoolID != decode[ep.PlacementConfirmed](t, c).SchoolID {
			t.Errorf("placement confirmed by %+v, want the host school's coordinator", c.Actor)
		}
	}
	if n := len(of(m, "", em.RecordTutorAssignedV1)); n != len(confirmed) {
		t.Errorf("the tutor assigned to %d records, want each of the %d confirmed placements'", n, len(confirmed))
	}

	record := "record-" + em.RecordIDFor(demo.RoundID, demo.StudentTeacherID)
	opened := of(m, record, em.RecordOpenedV1)
	if len(opened) != 1 || opened[0].Actor.Role != events.RoleSystem || decode[em.RecordOpened](t, opened[0]).SchoolID != demo.SchoolID {
		t.Fatalf("the featured record opened by %v, want the process manager, at St. Clare's", opened)
	}
	if named := of(m, record, em.RecordMentorAssignedV1); len(named) != 1 || decode[em.RecordMentorAssigned](t, named[0]).MentorID != demo.MentorID {
		t.Errorf("the featured record names mentors %v, want %s", named, demo.MentorID)
	}
	if tutor := of(m, record, em.RecordTutorAssignedV1); len(tutor) != 1 || decode[em.RecordTutorAssigned](t, tutor[0]).TutorID != demo.TutorID {
		t.Errorf("the featured record names tutors %v, want %s", tutor, demo.TutorID)
	}
	roles := map[string]bool{}
	for _, o := range of(m, record, em.ObservationRecordedV1) {
		roles[decode[em.ObservationRecorded](t, o).ObserverRole] = true
	}
	if len(roles) != 3 || !roles[em.ObserverMentor] || !roles[em.ObserverTeacher] || !roles[em.ObserverTutor] {
		t.Errorf("the featured student-teacher observed by %v, want their mentor, another teacher and the tutor", roles)
	}
	for _, typ := range []string{em.ObservationCoSignedV1, em.ObservationAcknowledgedV1, em.MentoringMeetingLoggedV1, em.ReflectionSubmittedV1,
		em.ConcernRaisedV1, em.ConcernResolvedV1} {
		if n := len(of(m, record, typ)); n != 1 {
			t.Errorf("the featured record holds %d %s, want 1", n, typ)
		}
	}
	if raised, resolved := len(of(m, "", em.ConcernRaisedV1)), len(of(m, "", em.ConcernResolvedV1)); raised != 2 || resolved != 1 {
		t.Errorf("%d concerns raised and %d resolved, want one left open", raised, resolved)
	}
	if n := len(of(m, "", em.ObservationRecordedV1)); n != len(confirmed)+3 {
		t.Errorf("%d observations, want each confirmed placement's first lesson and three more", n)
	}

	if len(of(f, "", ef.ForumScheduledV1)) != 1 || len(of(f, "", ef.SessionAddedV1)) != 2 || len(of(f, "", ef.DelegateRegisteredV1)) != 5 ||
		len(of(f, "", ef.PracticeSharedV1)) != 1 {
		t.Errorf("forum events %d scheduled, %d sessions, %d delegates, %d practices; want 1, 2, 5, 1", len(of(f, "", ef.ForumScheduledV1)),
			len(of(f, "", ef.SessionAddedV1)), len(of(f, "", ef.DelegateRegisteredV1)), len(of(f, "", ef.PracticeSharedV1)))
	}
	if agenda := of(f, "", ef.RenewalAgendaItemAddedV1); len(agenda) != 1 {
		t.Errorf("renewal agenda %v, want the agreement in its last year", agenda)
	}
	reviewed := of(f, "", ef.InterestReviewedV1)
	if len(reviewed) != 1 || !decode[ef.InterestReviewed](t, reviewed[0]).Accepted {
		t.Fatalf("interest reviewed %v, want one accepted", reviewed)
	}
	joined := of(p, "school-"+decode[ef.InterestReviewed](t, reviewed[0]).SchoolID, ep.PartnershipAgreementSignedV1)
	if len(joined) != 1 || !decode[ep.PartnershipAgreementSigned](t, joined[0]).Draft {
		t.Errorf("the accepted school's agreements %v, want a draft", joined)
	}

	before := heads(t, db)
	sentAgain, err := demo.Load(ctx, nc, namespace)
	if err != nil {
		t.Fatalf("load the demo again: %v", err)
	}
	if after := heads(t, db); sentAgain != sent || after["placement"] != before["placement"] || after["mentoring"] != before["mentoring"] ||
		after["forum"] != before["forum"] {
		t.Errorf("loading again sent %d commands (first %d) and moved the stores from %v to %v, want nothing new", sentAgain, sent, before, after)
	}
}
