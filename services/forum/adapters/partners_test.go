package adapters_test

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	ef "wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/forum"
	"wsms/forum/adapters"
	"wsms/forum/domain"
	"wsms/platform/command"
	"wsms/platform/crashtest"
	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/relay"
	"wsms/platform/servicetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestRenewalsProcessKilledMidFlow kills the process that follows the
// partnership's agreements right after each agreement in its last year was
// put on the forum's agenda, before the event was acknowledged. Restarted,
// it puts nothing on the agenda twice, and its copy of the partner schools
// is whole.
func TestRenewalsProcessKilledMidFlow(t *testing.T) {
	const name = "TestRenewalsProcessKilledMidFlow"
	if crashtest.InChild(name) {
		renewalsChild(t)
		return
	}
	ctx := context.Background()
	e := servicetest.NewEnv(t)
	db, nc, namespace := e.DB, e.NATS, e.Namespace
	servicetest.Run(t, servicetest.CommandsOnly(forum.Spec), db, nc, namespace)
	placement := servicetest.NewPublisher(t, db, nc, namespace, "placement", ep.Register)

	year := 2028
	if _, err := command.Send(ctx, nc, command.Subject(namespace, "forum", "schedule-forum"), command.Request[domain.ScheduleForum]{
		Command: domain.ScheduleForum{Year: year, Date: "2028-06-17", Venue: "Meng Wah Complex", Theme: "Mentoring"},
		Actor:   events.Actor{ID: "office-1", Role: events.RoleOffice}}); err != nil {
		t.Fatal(err)
	}
	schools := []string{uuid.NewString(), uuid.NewString()}
	for i, id := range schools {
		placement.Record(t, "school-"+id,
			ep.SchoolRegistered{SchoolID: id, Name: "School " + strconv.Itoa(i+1), District: "Sha Tin", Level: ep.Secondary},
			ep.PartnershipAgreementSigned{SchoolID: id, AgreementID: uuid.NewString(), FirstSchoolYear: year - 2, Years: 3,
				CoreSubjects: []string{"English", "Mathematics"}, MinPlaces: 6, MaxPlaces: 8})
	}
	// Killed after each agreement was put on the agenda, before
	// acknowledging it: the first child dies at the 2nd event; the second is
	// handed the 2nd again, then the 3rd and the 4th, and dies there.
	for _, handled := range []int{2, 3} {
		crashtest.WaitKilled(t, "renewals process", func(ctx context.Context) *exec.Cmd {
			return crashtest.Start(ctx, t, name, e.ChildVars("KILL_AFTER", strconv.Itoa(handled)))
		})
	}
	partners := adapters.NewPartners(db, "forum")
	p, err := adapters.NewRenewalsFromAgreements(nc, partners, namespace, servicetest.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	pctx, stop := context.WithCancel(ctx)
	pdone := make(chan error, 1)
	go func() { pdone <- p.Run(pctx) }()
	// Once nothing is pending or unacknowledged, the event the last child
	// died on was delivered again and handled.
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		cons, err := js.Consumer(ctx, relay.StreamName(namespace, "placement"), adapters.RenewalsConsumer)
		if err == nil {
			if info, err := cons.Info(ctx); err == nil && info.NumAckPending == 0 && info.NumPending == 0 && info.Delivered.Stream == 4 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the process did not finish the placement events")
		}
	}
	stop()
	if err := <-pdone; err != nil {
		t.Fatal(err)
	}

	evs, err := eventstore.New(db, "forum").Load(ctx, domain.ForumStream(year))
	if err != nil {
		t.Fatal(err)
	}
	agenda := map[string]int{}
	for _, e := range evs {
		if e.Type == ef.RenewalAgendaItemAddedV1 {
			agenda[e.StreamID+string(e.Data)]++
		}
	}
	if len(evs) != 3 || len(agenda) != 2 {
		t.Fatalf("the forum recorded %d events with %d distinct renewals, want scheduled and two renewals once each", len(evs), len(agenda))
	}
	due, err := partners.RenewalsDue(ctx, year)
	if err != nil || len(due) != 2 {
		t.Fatalf("renewals due in the copy: %v, %v; want both schools", due, err)
	}
}

func renewalsChild(t *testing.T) {
	ctx := context.Background()
	e := servicetest.ChildEnv(t)
	p, err := adapters.NewRenewalsFromAgreements(e.NATS, adapters.NewPartners(e.DB, "forum"), e.Namespace, servicetest.Quiet)
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
