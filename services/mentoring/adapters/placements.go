// Package adapters connects the mentoring service to the placement service:
// the process that opens a mentoring record when a placement is confirmed
// and names its mentor when one is assigned.
package adapters

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/events/mentoring"
	ep "wsms/events/placement"
	"wsms/mentoring/domain"
	"wsms/platform/follow"
)

// RecordsFromPlacements is the process manager that follows the placement
// service's rounds. It is idempotent and restartable: its position is its
// durable consumer's, and every command it sends carries an idempotency key
// derived from the event that caused it, so an event delivered again after a
// crash sends nothing twice to effect.
type RecordsFromPlacements struct {
	js        jetstream.JetStream
	nc        *nats.Conn
	db        *pgxpool.Pool
	schema    string
	namespace string
	log       *slog.Logger
	registry  *events.Registry
	// afterHandle, set by crash tests, runs before an event is acknowledged.
	afterHandle func()
}

// ConsumerName is the durable consumer of the process: renaming it would
// start it again from the first placement event.
const ConsumerName = "mentoring-records-from-placements"

// processActor is who the process's commands are recorded as.
var processActor = events.Actor{ID: "process:" + ConsumerName, Role: events.RoleSystem}

// NewRecordsFromPlacements returns the process, keeping its copy of round
// windows in schema.
func NewRecordsFromPlacements(nc *nats.Conn, db *pgxpool.Pool, schema, namespace string, log *slog.Logger) (*RecordsFromPlacements, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	reg := events.NewRegistry()
	ep.Register(reg)
	return &RecordsFromPlacements{js: js, nc: nc, db: db, schema: pgx.Identifier{schema}.Sanitize(), namespace: namespace,
		log: log.With("process", ConsumerName), registry: reg}, nil
}

// Run follows placement events until ctx ends.
func (p *RecordsFromPlacements) Run(ctx context.Context) error {
	return follow.Run(ctx, p.js, follow.Config{
		Namespace: p.namespace, Service: "placement", Durable: ConsumerName,
		Description: "Opens a mentoring record for each confirmed placement and names its mentor",
		Types:       []string{ep.PlacementRoundOpenedV1, ep.PlacementConfirmedV1, ep.MentorAssignedV1},
		Handle:      p.handle, AfterHandle: p.afterHandle, Log: p.log,
	})
}

// handle reacts to one placement event.
func (p *RecordsFromPlacements) handle(ctx context.Context, env events.Envelope) error {
	payload, err := p.registry.Decode(env.Type, env.Data)
	if err != nil {
		return err
	}
	switch e := payload.(type) {
	case ep.PlacementRoundOpened:
		windows, err := json.Marshal(e.Windows)
		if err != nil {
			return err
		}
		_, err = p.db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.round_windows (round_id, windows) VALUES ($1, $2)
			ON CONFLICT (round_id) DO UPDATE SET windows = EXCLUDED.windows`, p.schema), e.RoundID, windows)
		return err
	case ep.PlacementConfirmed:
		var windows []ep.Period
		err := p.db.QueryRow(ctx, fmt.Sprintf(`SELECT windows FROM %s.round_windows WHERE round_id = $1`, p.schema), e.RoundID).Scan(&windows)
		if err != nil {
			return fmt.Errorf("windows of round %s: %w", e.RoundID, err)
		}
		return p.send(ctx, env, "open-mentoring-record", domain.OpenMentoringRecord{
			RecordID: mentoring.RecordIDFor(e.RoundID, e.StudentID), RoundID: e.RoundID, StudentID: e.StudentID,
			SchoolID: e.SchoolID, Subject: e.Subject, Windows: windows,
		})
	case ep.MentorAssigned:
		return p.send(ctx, env, "assign-record-mentor", domain.AssignRecordMentor{
			RecordID: mentoring.RecordIDFor(e.RoundID, e.StudentID), MentorID: e.TeacherID,
		})
	}
	return nil
}

// send sends a command caused by the event env. A command refused on its
// merits would be refused again if the event were delivered again: it is
// reported loudly and the process moves on.
func (p *RecordsFromPlacements) send(ctx context.Context, env events.Envelope, name string, c any) error {
	err := follow.Sender{NATS: p.nc, Namespace: p.namespace, Durable: ConsumerName, Actor: processActor}.Send(ctx, "mentoring", name, env, "", c)
	if follow.RefusedOnMerits(err) {
		p.log.Error("command refused", "command", name, "event", env.ID, "err", err)
		return nil
	}
	return err
}
