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
	ef "wsms/events/forum"
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

// InPartnership lists the schools with a signed agreement covering year.
func (p Partners) InPartnership(ctx context.Context, year int) ([]domain.Partner, error) {
	rows, err := p.db.Query(ctx, fmt.Sprintf(`SELECT DISTINCT s.school_id, s.name FROM %[1]s.partner_schools s
		JOIN %[1]s.partner_agreements a USING (school_id)
		WHERE NOT a.draft AND a.first_year <= $1 AND $1 < a.first_year + a.years
		  AND (a.ended_on IS NULL OR a.ended_on > make_date($1, 9, 1))
		ORDER BY s.name, s.school_id`, p.schema), year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[domain.Partner])
}

// RenewalsDue lists the agreements in force whose last school year is year.
func (p Partners) RenewalsDue(ctx context.Context, year int) ([]domain.Renewal, error) {
	rows, err := p.db.Query(ctx, fmt.Sprintf(`SELECT school_id, agreement_id, first_year + years - 1 FROM %s.partner_agreements
		WHERE NOT draft AND ended_on IS NULL AND first_year + years - 1 = $1 ORDER BY school_id`, p.schema), year)
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
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.partner_agreements (agreement_id, school_id, first_year, years, draft)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agreement_id) DO UPDATE SET first_year = EXCLUDED.first_year,
			years = EXCLUDED.years, draft = EXCLUDED.draft`, s), e.AgreementID, e.SchoolID, e.FirstSchoolYear, e.Years, e.Draft)
		if err != nil || e.Draft {
			return err
		}
		return p.agenda(ctx, env, e.AgreementID)
	case ep.PartnershipAgreementRenewed:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`UPDATE %s.partner_agreements SET years = $2 - first_year + $3 WHERE agreement_id = $1`, s),
			e.AgreementID, e.FirstSchoolYear, e.Years)
		if err != nil {
			return err
		}
		return p.agenda(ctx, env, e.AgreementID)
	case ep.PartnershipAgreementEnded:
		_, err = p.partners.db.Exec(ctx, fmt.Sprintf(`UPDATE %s.partner_agreements SET ended_on = $2::date WHERE agreement_id = $1`, s),
			e.AgreementID, string(e.EndedOn))
		return err
	}
	return nil
}

// agenda puts the agreement on the agenda of the forum of its last year, if
// that forum is scheduled; if not, scheduling it will.
func (p *RenewalsFromAgreements) agenda(ctx context.Context, env events.Envelope, agreementID string) error {
	var r domain.Renewal
	err := p.partners.db.QueryRow(ctx, fmt.Sprintf(`SELECT school_id, agreement_id, first_year + years - 1 FROM %s.partner_agreements
		WHERE agreement_id = $1`, p.partners.schema), agreementID).Scan(&r.SchoolID, &r.AgreementID, &r.LastSchoolYear)
	if err != nil {
		return err
	}
	err = follow.Sender{NATS: p.nc, Namespace: p.namespace, Durable: RenewalsConsumer, Actor: renewalsActor}.Send(ctx,
		"forum", "add-renewal-agenda-item", env, "", domain.AddRenewalAgendaItem{Year: r.LastSchoolYear, Renewal: r})
	switch {
	case err == nil:
		return nil
	case errs.Is(err, errs.NotFound):
		return nil // no forum that year yet: scheduling it puts the school on the agenda
	case follow.RefusedOnMerits(err):
		p.log.Error("command refused", "event", env.ID, "err", err)
		return nil
	}
	return err
}

// RenewalsOnSchedule puts every agreement in its last year on the agenda of
// a forum when it is scheduled: with RenewalsFromAgreements, whichever of
// the forum and the agreement comes second puts the school on the agenda.
type RenewalsOnSchedule struct {
	js       jetstream.JetStream
	sender   follow.Sender
	partners Partners
	log      *slog.Logger
	registry *events.Registry
}

// ScheduleConsumer is the durable consumer of RenewalsOnSchedule.
const ScheduleConsumer = "forum-renewals-on-schedule"

// NewRenewalsOnSchedule returns the process.
func NewRenewalsOnSchedule(nc *nats.Conn, partners Partners, namespace string, log *slog.Logger) (*RenewalsOnSchedule, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	reg := events.NewRegistry()
	ef.Register(reg)
	return &RenewalsOnSchedule{js: js, partners: partners, log: log.With("process", ScheduleConsumer), registry: reg,
		sender: follow.Sender{NATS: nc, Namespace: namespace, Durable: ScheduleConsumer,
			Actor: events.Actor{ID: "process:" + ScheduleConsumer, Role: events.RoleSystem}}}, nil
}

// Run follows the forum's own schedule until ctx ends.
func (p *RenewalsOnSchedule) Run(ctx context.Context) error {
	return follow.Run(ctx, p.js, follow.Config{
		Namespace: p.sender.Namespace, Service: "forum", Durable: ScheduleConsumer,
		Description: "Puts the agreements in their last year on the agenda of a forum when it is scheduled",
		Types:       []string{ef.ForumScheduledV1}, Handle: p.handle, Log: p.log,
	})
}

func (p *RenewalsOnSchedule) handle(ctx context.Context, env events.Envelope) error {
	payload, err := p.registry.Decode(env.Type, env.Data)
	if err != nil {
		return err
	}
	scheduled, ok := payload.(ef.ForumScheduled)
	if !ok {
		return nil
	}
	due, err := p.partners.RenewalsDue(ctx, scheduled.Year)
	if err != nil {
		return err
	}
	for _, r := range due {
		err := p.sender.Send(ctx, "forum", "add-renewal-agenda-item", env, r.SchoolID, domain.AddRenewalAgendaItem{Year: scheduled.Year, Renewal: r})
		if follow.RefusedOnMerits(err) {
			p.log.Error("command refused", "event", env.ID, "school", r.SchoolID, "err", err)
		} else if err != nil {
			return err
		}
	}
	return nil
}
