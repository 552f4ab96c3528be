package adapters_test

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/mentoring"
	"wsms/mentoring/adapters"
	"wsms/mentoring/domain"
	"wsms/platform/crashtest"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/servicetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestProcessKilledMidFlow kills the process that opens mentoring records
// right after its command for a confirmed placement took effect and before
// the event was acknowledged. Restarted, it is handed the event again and
// sends the command again, with the same idempotency key: every record is
// opened once and its mentor named once.
func TestProcessKilledMidFlow(t *testing.T) {
	const name = "TestProcessKilledMidFlow"
	if crashtest.InChild(name) {
		processChild(t)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := servicetest.NewEnv(t)
	db, nc, namespace := e.DB, e.NATS, e.Namespace

	// The mentoring service takes commands; its process runs apart.
	servicetest.Run(t, servicetest.CommandsOnly(mentoring.Spec), db, nc, namespace)
	roundID, schoolID, mentorID := uuid.NewString(), uuid.NewString(), uuid.NewString()
	students := []string{uuid.NewString(), uuid.NewString()}
	servicetest.NewPublisher(t, db, nc, namespace, "placement", ep.Register).Record(t, "round-"+roundID,
		ep.PlacementRoundOpened{RoundID: roundID, Name: "Block Practice 1", SchoolYear: 2027, Windows: []ep.Period{{From: "2027-10-04", To: "2027-11-26"}}},
		ep.PlacementConfirmed{RoundID: roundID, StudentID: students[0], SchoolID: schoolID, Subject: "English"},
		ep.MentorAssigned{RoundID: roundID, StudentID: students[0], SchoolID: schoolID, TeacherID: mentorID},
		ep.PlacementConfirmed{RoundID: roundID, StudentID: students[1], SchoolID: schoolID, Subject: "English"},
	)

	recordEvents := func(student string) []events.Envelope {
		evs, err := eventstore.New(db, "mentoring").Load(ctx, domain.RecordStream(em.RecordIDFor(roundID, student)))
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	// Killed after each of its first three events took effect.
	for handled := 1; handled <= 3; handled++ {
		crashtest.WaitKilled(t, "process", func(ctx context.Context) *exec.Cmd {
			return crashtest.Start(ctx, t, name, e.ChildVars("KILL_AFTER", strconv.Itoa(handled)))
		})
	}
	if n := len(recordEvents(students[0])); n != 2 {
		t.Fatalf("after the kills the first record has %d events, want opened and mentor named", n)
	}

	p, err := adapters.NewRecordsFromPlacements(nc, db, "mentoring", namespace, servicetest.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	pctx, stop := context.WithCancel(ctx)
	pdone := make(chan error, 1)
	go func() { pdone <- p.Run(pctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for len(recordEvents(students[1])) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the second record was never opened")
		}
		time.Sleep(25 * time.Millisecond)
	}
	stop()
	if err := <-pdone; err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{students[0]: {em.RecordOpenedV1, em.RecordMentorAssignedV1}, students[1]: {em.RecordOpenedV1}}
	for student, types := range want {
		evs := recordEvents(student)
		if len(evs) != len(types) {
			t.Fatalf("record of %s has %d events, want %v: an effect happened twice or not at all", student, len(evs), types)
		}
		for i, e := range evs {
			if e.Type != types[i] {
				t.Fatalf("record of %s: event %d is %s, want %s", student, i+1, e.Type, types[i])
			}
		}
	}
}

// processChild runs the process until it has handled KILL_AFTER events,
// then dies before acknowledging the last.
func processChild(t *testing.T) {
	ctx := context.Background()
	e := servicetest.ChildEnv(t)
	p, err := adapters.NewRecordsFromPlacements(e.NATS, e.DB, "mentoring", e.Namespace, servicetest.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	killAfter, _ := strconv.Atoi(crashtest.Env("KILL_AFTER"))
	handled := 0
	p.SetAfterHandle(func() {
		if handled++; handled == killAfter {
			crashtest.Crash()
		}
	})
	_ = p.Run(ctx)
}
