// Package history is the read model of who did what, when, in which role:
// one row per event of every service, naming the event and its actor, so
// the history of any record reads as a list without replaying its stream.
package history

import (
	"context"
	_ "embed"

	"github.com/jackc/pgx/v5"

	"wsms/projections"
)

//go:embed tables.sql
var tables string

// Projection builds rm_history from the events of every service.
var Projection = projections.Projection{Name: "history", Services: []string{"placement", "mentoring", "forum"}, Tables: tables, Apply: apply}

func apply(ctx context.Context, tx pgx.Tx, e projections.Event) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO entries (service, position, stream_id, version, type, occurred_at, actor_id, actor_role, actor_school_id, correlation_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10)`,
		e.Service, e.Position, e.StreamID, e.StreamVersion, e.Type, e.OccurredAt,
		e.Actor.ID, string(e.Actor.Role), e.Actor.SchoolID, e.CorrelationID)
	return err
}
