// Package adapters connects the forum service to the placement service: its
// copy of the partnership's schools and agreements, and the process that
// puts agreements in their last year on the forum's renewal agenda.
package adapters

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	ep "wsms/events/placement"
	"wsms/forum/domain"
	"wsms/platform/errs"
	"wsms/platform/follow"
)

// Partners is the forum's copy of the partnership's schools and agreements.
type Partners struct {
	db     *pgxpool.Pool
	schema string
}

// NewPartners returns the copy kept in schema.
func NewPartners(db *pgxpool.Pool, schema string) Partners {
	return Partners{db: db, schema: pgx.Identifier{schema}.Sanitize()}
}

// InPartnership lists the schools whose signed agreement covers year.
func (p Partners) InPartnership(ctx context.Context, year int) ([]domain.Partner, error) {
	rows, err := p.db.Query(ctx, fmt.Sprintf(`SELECT school_id, name FROM %s.partner_schools
		WHERE NOT draft AND NOT ended AND first_year <= $1 AND $1 < first_year + years ORDER BY name, school_id`, p.schema), year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[domain.Partner])
}

// RenewalsDue lists the agreements in force whose last school year is year.
func (p Partners) RenewalsDue(ctx context.Context, year int) ([]domain.Renewal, error) {
	rows, err := p.db.Query(ctx, fmt.Sprintf(`SELECT school_id, agreement_id, first_year + years - 1 FROM %s.partner_schools
		WHERE NOT draft AND NOT ended AND first_year + years - 1 = $1 ORDER BY school_id`, p.schema), year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[domain.Renewal])
}

// RenewalsFromAgreements is the process manager that keeps the copy and puts
// each agreement in its last year on that year's forum agenda. A forum
// scheduled later finds the agreement in the copy when it is scheduled.
type RenewalsFromAgreements struct {
	js        jetstream.JetStream
	nc        *nats.Conn
	partners  Partners
	namespace string
	log       *slog.Logger
	registry  *events.Registry
	// afterHandle, set by crash tests, runs before an event is acknowledged.
	afterHandle func()
}

// RenewalsConsumer is the durable consumer of the process.
const RenewalsConsumer = "forum-renewals-from-agreements"

var renewalsActor = events.Actor{ID: "process:" + RenewalsConsumer, Role: events.RoleSystem}

// NewRenewalsFromAgreements returns the process.
func NewRenewalsFromAgreements(nc *nats.Conn, partners Partners, namespace string, log *slog.Logger) (*RenewalsFromAgreements, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	reg := events.NewRegistry()
	ep.Register(reg)
	return &RenewalsFromAgreements{js: js, nc: nc, partners: partners, namespace: namespace, log: log.With("process", RenewalsConsumer), registry: reg}, nil
}

// Run follows the placement service's schools until ctx ends.
func (p *RenewalsFromAgreements) Run(ctx context.Context) error {
	return follow.Run(ctx, p.js, follow.Config{
		Namespace: p.namespace, Service: "placement", Durable: RenewalsConsumer,
		Description: "Keeps the forum's copy of partner schools and puts agreements in their last year on the renewal agenda",
		Types: []string{ep.SchoolRegisteredV1, ep.PartnershipAgreementSignedV1, ep.PartnershipAgreementRenewedV1,
			ep.PartnershipAgreementEndedV1},
		Handle: p.handle, AfterHandle: p.afterHandle, Log: p.log,
	})
}

func (p *RenewalsFromAgreements) handle(ctx context.Context, env events.Envelope) error {
	payload, err := p.registry.Decode(env.Type, env.Data)
	if err != nil {
		return err
	}
	s := p.partners.schema
	switch e := payload.(type) {
	case ep.SchoolRegistered:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.partner_schools (school_id, name) VALUES ($1, $2)
			ON CONFLICT (school_id) DO UPDATE SET name = EXCLUDED.name`, s), e.SchoolID, e.Name)
		return err
	case ep.PartnershipAgreementSigned:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`UPDATE %s.partner_schools
			SET agreement_id = $2, first_year = $3, years = $4, draft = $5, ended = false WHERE school_id = $1`, s),
			e.SchoolID, e.AgreementID, e.FirstSchoolYear, e.Years, e.Draft)
		if err != nil || e.Draft {
			return err
		}
		return p.agenda(ctx, env, e.SchoolID)
	case ep.PartnershipAgreementRenewed:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`UPDATE %s.partner_schools SET years = $3 - first_year + $4
			WHERE school_id = $1 AND agreement_id = $2`, s), e.SchoolID, e.AgreementID, e.FirstSchoolYear, e.Years)
		if err != nil {
			return err
		}
		return p.agenda(ctx, env, e.SchoolID)
	case ep.PartnershipAgreementEnded:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`UPDATE %s.partner_schools SET ended = true WHERE school_id = $1 AND agreement_id = $2`, s),
			e.SchoolID, e.AgreementID)
		return err
	}
	return nil
}

// agenda puts the school's agreement on the agenda of the forum of its last
// year, if that forum is scheduled; if not, scheduling it will.
func (p *RenewalsFromAgreements) agenda(ctx context.Context, env events.Envelope, schoolID string) error {
	var r domain.Renewal
	err := p.partners.db.QueryRow(ctx, fmt.Sprintf(`SELECT school_id, agreement_id, first_year + years - 1 FROM %s.partner_schools
		WHERE school_id = $1`, p.partners.schema), schoolID).Scan(&r.SchoolID, &r.AgreementID, &r.LastSchoolYear)
	if err != nil {
		return err
	}
	err = follow.Send(ctx, p.nc, p.namespace, "forum", "add-renewal-agenda-item", RenewalsConsumer, env, renewalsActor,
		domain.AddRenewalAgendaItem{Year: r.LastSchoolYear, Renewal: r})
	switch e := errs.As(err); {
	case e == nil:
		return nil
	case e.Code == errs.NotFound:
		return nil // no forum that year yet: scheduling it puts the school on the agenda
	case e.Code != errs.Internal:
		p.log.Error("command refused", "event", env.ID, "err", err)
		return nil
	}
	return err
}
