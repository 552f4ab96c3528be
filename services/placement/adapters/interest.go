package adapters

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/events/forum"
	"wsms/placement/domain"
	"wsms/platform/follow"
)

// SchoolsFromInterest is the process manager that registers a school whose
// expression of interest the office accepted at the forum, and opens a draft
// partnership agreement for it. Its commands carry idempotency keys derived
// from the forum's event, so a crash at any point registers the school once.
type SchoolsFromInterest struct {
	js        jetstream.JetStream
	nc        *nats.Conn
	namespace string
	log       *slog.Logger
	registry  *events.Registry
	// afterHandle, set by crash tests, runs before an event is acknowledged.
	afterHandle func()
}

// InterestConsumer is the durable consumer of the process.
const InterestConsumer = "placement-schools-from-interest"

var interestActor = events.Actor{ID: "process:" + InterestConsumer, Role: events.RoleSystem}

// NewSchoolsFromInterest returns the process.
func NewSchoolsFromInterest(nc *nats.Conn, namespace string, log *slog.Logger) (*SchoolsFromInterest, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	reg := events.NewRegistry()
	forum.Register(reg)
	return &SchoolsFromInterest{js: js, nc: nc, namespace: namespace, log: log.With("process", InterestConsumer), registry: reg}, nil
}

// Run follows the forum's reviews of interest until ctx ends.
func (p *SchoolsFromInterest) Run(ctx context.Context) error {
	return follow.Run(ctx, p.js, follow.Config{
		Namespace: p.namespace, Service: "forum", Durable: InterestConsumer,
		Description: "Registers schools accepted into the partnership at the forum, with a draft agreement",
		Types:       []string{forum.InterestReviewedV1},
		Handle:      p.handle, AfterHandle: p.afterHandle, Log: p.log,
	})
}

// agreementNamespace scopes the ids of draft agreements derived from
// expressions of interest.
var agreementNamespace = uuid.MustParse("2c7d9e41-5b8a-4f6e-9d3c-8a1b7e5f4c20")

func (p *SchoolsFromInterest) handle(ctx context.Context, env events.Envelope) error {
	payload, err := p.registry.Decode(env.Type, env.Data)
	if err != nil {
		return err
	}
	e, ok := payload.(forum.InterestReviewed)
	if !ok || !e.Accepted || e.School == nil {
		return nil
	}
	if err := p.send(ctx, env, "register-school", domain.RegisterSchool{SchoolID: e.SchoolID, Name: e.School.SchoolName,
		District: e.School.District, Level: e.School.Level, Contact: e.School.Contact}); err != nil {
		return err
	}
	return p.send(ctx, env, "open-draft-agreement", domain.OpenDraftAgreement{SchoolID: e.SchoolID,
		AgreementID:     uuid.NewSHA1(agreementNamespace, []byte(e.InterestID)).String(),
		FirstSchoolYear: nextSchoolYear(env.OccurredAt), Subjects: e.School.Subjects, PlacesPerYear: e.School.PlacesOffered})
}

// nextSchoolYear is the first school year a school accepted at t can host
// student-teachers in: school years start in September.
func nextSchoolYear(t time.Time) int {
	if t.Month() >= time.September {
		return t.Year() + 1
	}
	return t.Year()
}

// send sends a command caused by env; a refusal on its merits is reported
// and not tried again.
func (p *SchoolsFromInterest) send(ctx context.Context, env events.Envelope, name string, c any) error {
	err := follow.Sender{NATS: p.nc, Namespace: p.namespace, Durable: InterestConsumer, Actor: interestActor}.Send(ctx, "placement", name, env, "", c)
	if follow.RefusedOnMerits(err) {
		p.log.Error("command refused", "command", name, "event", env.ID, "err", err)
		return nil
	}
	return err
}
