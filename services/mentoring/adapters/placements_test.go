package adapters_test

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/events"
	em "wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/mentoring"
	"wsms/mentoring/adapters"
	"wsms/mentoring/domain"
	"wsms/platform/crashtest"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/natstest"
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
	url := dbtest.URL(t)
	db, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ns := natstest.Start(t)
	nc := ns.Connect(t)
	namespace := natstest.Namespace()

	// The mentoring service takes commands; its process runs apart.
	commandsOnly := mentoring.Spec
	commandsOnly.Workers = nil
	servicetest.Run(t, commandsOnly, db, nc, namespace)
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
			return crashtest.Start(ctx, t, name, map[string]string{"DB": url, "NATS": ns.URL, "NS": namespace, "KILL_AFTER": strconv.Itoa(handled)})
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
	db, err := pgxpool.New(ctx, crashtest.Env("DB"))
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(crashtest.Env("NATS"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := adapters.NewRecordsFromPlacements(nc, db, "mentoring", crashtest.Env("NS"), servicetest.Quiet)
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
