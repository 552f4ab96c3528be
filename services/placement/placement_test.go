package placement_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	eventsplacement "wsms/events/placement"
	"wsms/placement"
	"wsms/placement/domain"
	"wsms/platform/command"
	"wsms/platform/dbtest"
	"wsms/platform/errs"
	"wsms/platform/natstest"
	"wsms/platform/relay"
	"wsms/platform/servicetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// running is a placement service started for a test, on its own database
// and NATS.
type running struct {
	db        *pgxpool.Pool
	nc        *nats.Conn
	namespace string
}

func startService(t *testing.T) running {
	t.Helper()
	rs := running{db: dbtest.New(t), namespace: natstest.Namespace()}
	rs.nc = natstest.Start(t).Connect(t)
	servicetest.Run(t, placement.Spec, rs.db, rs.nc, rs.namespace)
	return rs
}

// TestRegisterSchoolEndToEnd sends the command over NATS to a running
// placement service and follows it into PostgreSQL and JetStream.
func TestRegisterSchoolEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rs := startService(t)
	nc, namespace := rs.nc, rs.namespace

	subject := command.Subject(namespace, "placement", "register-school")
	office := events.Actor{ID: "office-7", Role: events.RoleOffice}
	req := command.Request[domain.RegisterSchool]{
		Actor: office, IdempotencyKey: uuid.NewString(),
		Command: domain.RegisterSchool{
			SchoolID: uuid.NewString(), Name: "Ying Wa Primary School", District: "Sham Shui Po", Level: eventsplacement.Primary,
			Contact: eventsplacement.Contact{Name: "Kelvin Lau", Email: "k.lau@yingwa.edu.hk"},
		},
	}
	res, err := command.Send(ctx, nc, subject, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StreamID != "school-"+req.Command.SchoolID || res.Version != 1 || res.Position != 1 || res.Replayed {
		t.Fatalf("reply %+v", res)
	}

	// A retry with the same key answers the same, and records nothing new.
	again, err := command.Send(ctx, nc, subject, req)
	if err != nil || !again.Replayed || again.Position != res.Position {
		t.Fatalf("retry reply %+v, %v", again, err)
	}
	// The same school registered again under a new key is a conflict.
	req.IdempotencyKey = ""
	if _, err := command.Send(ctx, nc, subject, req); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second registration: %v, want CONFLICT", err)
	}
	// A bad field comes back across the wire naming field and rule.
	bad := req
	bad.Command.Contact.Email = "not an address"
	bad.Command.SchoolID = uuid.NewString()
	if e := errs.As(sendErr(ctx, t, nc, subject, bad)); e.Code != errs.Validation || e.Field != "contact.email" || e.Rule != "email" {
		t.Fatalf("bad email: %+v", e)
	}
	// An unknown field in the command is refused, not ignored.
	msg, err := nc.RequestWithContext(ctx, subject, []byte(`{"command":{"schoolId":"x","nmae":"typo"},"actor":{"id":"o","role":"OFFICE"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var e errs.Error
	if err := json.Unmarshal(msg.Data, &e); err != nil || e.Code != errs.Validation || e.Field != "nmae" {
		t.Fatalf("unknown field: %s", msg.Data)
	}
	// A command without an actor is not accepted.
	anon := req
	anon.Actor = events.Actor{}
	if err := sendErr(ctx, t, nc, subject, anon); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous: %v, want UNAUTHENTICATED", err)
	}

	// The event reaches the service's JetStream stream.
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// The relay declares the stream when it starts leading, in its own time.
	var stream jetstream.Stream
	var got *jetstream.RawStreamMsg
	for deadline := time.Now().Add(30 * time.Second); got == nil; {
		if stream == nil {
			stream, _ = js.Stream(ctx, relay.StreamName(namespace, "placement"))
		}
		if stream != nil {
			got, _ = stream.GetMsg(ctx, 1)
		}
		if got == nil && time.Now().After(deadline) {
			t.Fatal("the event never reached JetStream")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got.Subject != namespace+".placement.school.registered" {
		t.Fatalf("subject %q", got.Subject)
	}
	var env events.Envelope
	if err := json.Unmarshal(got.Data, &env); err != nil {
		t.Fatal(err)
	}
	var payload eventsplacement.SchoolRegistered
	if err := json.Unmarshal(env.Data, &payload); err != nil {
		t.Fatal(err)
	}
	if env.Actor != office || env.Position != 1 || payload.Name != "Ying Wa Primary School" || payload.Contact.Email != "k.lau@yingwa.edu.hk" {
		t.Fatalf("published %+v with %+v", env, payload)
	}
	if info, _ := stream.Info(ctx); info.State.Msgs != 1 {
		t.Fatalf("stream holds %d events, want 1: refused commands record nothing", info.State.Msgs)
	}
}

func sendErr(ctx context.Context, t *testing.T, nc *nats.Conn, subject string, req command.Request[domain.RegisterSchool]) error {
	t.Helper()
	_, err := command.Send(ctx, nc, subject, req)
	return err
}
