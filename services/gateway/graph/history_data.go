package graph

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// historyVisible is the SQL condition that the viewer ($1 role, $2 id, $3
// school) may read the history of stream $4, from the stream ids the
// services name (services/*/domain): the university any stream; school
// staff their school's (school-<school>), its offers in a round
// (offer-<round>-<school>) and the mentoring records (record-<id>) of the
// student-teachers placed there; a student-teacher their registrations in a
// round (student-<round>-<student>) and their mentoring records. A round is
// one whose opening the history holds, so an id ending in the viewer's is
// theirs only where what comes before it names a real round.
const historyVisible = `(
	$1 IN ('OFFICE', 'FACULTY', 'TUTOR')
	OR ($1 IN ('SCHOOL_COORDINATOR', 'MENTOR') AND $3 <> '' AND (
		$4 = 'school-' || $3
		OR (left($4, 6) = 'offer-' AND right($4, length($3) + 1) = '-' || $3
			AND EXISTS (SELECT 1 FROM rm_history.entries r
			            WHERE r.stream_id = 'round-' || substr($4, 7, greatest(length($4) - 7 - length($3), 0))
			            AND r.version = 1 AND r.service = 'placement'))
		OR (left($4, 7) = 'record-'
			AND EXISTS (SELECT 1 FROM rm_mentoring.records m WHERE m.record_id = substr($4, 8) AND m.school_id = $3))))
	OR ($1 = 'STUDENT_TEACHER' AND $2 <> '' AND (
		(left($4, 8) = 'student-' AND right($4, length($2) + 1) = '-' || $2
			AND EXISTS (SELECT 1 FROM rm_history.entries r
			            WHERE r.stream_id = 'round-' || substr($4, 9, greatest(length($4) - 9 - length($2), 0))
			            AND r.version = 1 AND r.service = 'placement'))
		OR (left($4, 7) = 'record-'
			AND EXISTS (SELECT 1 FROM rm_mentoring.records m WHERE m.record_id = substr($4, 8) AND m.student_id = $2))))
)`

// history reads a page of a stream's history, oldest first, refusing a
// stream the viewer may not read: the condition is in the query that reads
// the entries, and a first query tells a refusal from an empty history.
func (r *Resolver) history(ctx context.Context, streamID string, first *int, after *string) (*HistoryConnection, error) {
	actor, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	scope := []any{string(actor.Role), actor.ID, actor.SchoolID, streamID}
	var visible bool
	if err := r.DB.QueryRow(ctx, "SELECT "+historyVisible, scope...).Scan(&visible); err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", streamID, err)
	}
	if !visible {
		return nil, forbidden("the history of %s is not yours to read", streamID)
	}
	l := list{
		columns: `service, version, position, type, occurred_at, actor_id, actor_role, actor_school_id`,
		from:    "rm_history.entries WHERE stream_id = $4 AND " + historyVisible,
		args:    scope,
		key:     []keyColumn{{"version", "bigint"}, {"service", "text"}},
	}
	p, err := readList(ctx, r.DB, l, first, after, func(row pgx.CollectableRow) (HistoryEntry, error) {
		var e HistoryEntry
		e.Actor = &HistoryActor{}
		err := row.Scan(&e.Service, &e.Version, &e.Position, &e.Type, &e.OccurredAt, &e.Actor.ID, &e.Actor.Role, &e.Actor.SchoolID)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", streamID, err)
	}
	edges, info := edgesOf(p, func(e HistoryEntry) []string { return []string{strconv.Itoa(e.Version), e.Service} },
		func(cursor string, e *HistoryEntry) HistoryEdge { return HistoryEdge{Cursor: cursor, Node: e} })
	return &HistoryConnection{Edges: edges, PageInfo: info, TotalCount: p.total}, nil
}
