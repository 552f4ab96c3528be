package adapters_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/google/uuid"

	"wsms/events"
	ef "wsms/events/forum"
	ep "wsms/events/placement"
	"wsms/placement"
	"wsms/placement/adapters"
	"wsms/placement/domain"
	"wsms/platform/crashtest"
	"wsms/platform/eventstore"
	"wsms/platform/servicetest"
)

// TestInterestProcessKilledMidFlow kills the process that registers schools
// accepted at the forum right after it registered one and opened its draft
// agreement, before the forum's event was acknowledged. Restarted, it
// registers nothing twice.
func TestInterestProcessKilledMidFlow(t *testing.T) {
	const name = "TestInterestProcessKilledMidFlow"
	if crashtest.InChild(name) {
		interestChild(t)
		return
	}
	ctx := context.Background()
	e := servicetest.NewEnv(t)
	db, nc, namespace := e.DB, e.NATS, e.Namespace
	servicetest.Run(t, servicetest.CommandsOnly(placement.Spec), db, nc, namespace)
	forum := servicetest.NewPublisher(t, db, nc, namespace, "forum", ef.Register)

	interest := uuid.NewString()
	expressed := ef.InterestExpressed{InterestID: interest, SchoolName: "Kowloon True Light School", District: "Kowloon City", Level: ep.Secondary,
		Contact: ep.Contact{Name: "Ada Wong", Email: "ada.wong@example.edu.hk"}, Subjects: []string{"English", "Mathematics"}, PlacesOffered: 6}
	schoolID := uuid.NewString()
	forum.Record(t, "interest-"+interest, expressed, ef.InterestReviewed{InterestID: interest, Accepted: true, Reason: "Strong panel",
		SchoolID: schoolID, School: &expressed})

	crashtest.WaitKilled(t, "interest process", func(ctx context.Context) *exec.Cmd {
		return crashtest.Start(ctx, t, name, e.ChildVars())
	})
	school := func() []events.Envelope {
		evs, err := eventstore.New(db, "placement").Load(ctx, domain.SchoolStream(schoolID))
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	if n := len(school()); n != 2 {
		t.Fatalf("before the restart the school has %d events, want registered and a draft agreement", n)
	}

	p, err := adapters.NewSchoolsFromInterest(nc, namespace, servicetest.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan struct{}, 1)
	p.SetAfterHandle(func() { handled <- struct{}{} })
	pctx, stop := context.WithCancel(ctx)
	pdone := make(chan error, 1)
	go func() { pdone <- p.Run(pctx) }()
	select {
	case <-handled: // the review, delivered again
	case <-time.After(30 * time.Second):
		t.Fatal("the review was not delivered again")
	}
	stop()
	if err := <-pdone; err != nil {
		t.Fatal(err)
	}
	evs := school()
	if len(evs) != 2 || evs[0].Type != ep.SchoolRegisteredV1 || evs[1].Type != ep.PartnershipAgreementSignedV1 {
		t.Fatalf("after the restart the school has %d events, want registered and a draft agreement once each", len(evs))
	}
}

func interestChild(t *testing.T) {
	ctx := context.Background()
	e := servicetest.ChildEnv(t)
	p, err := adapters.NewSchoolsFromInterest(e.NATS, e.Namespace, servicetest.Quiet)
	if err != nil {
		t.Fatal(err)
	}
	p.SetAfterHandle(crashtest.Crash)
	_ = p.Run(ctx)
}
