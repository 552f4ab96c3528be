package service

import (
	"context"
	"encoding/json"
	"time"

	"wsms/events"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
)

// HistoryQuery names a stream of the service, and which page of its events:
// those after AfterVersion, at most Limit (default 50, at most 200).
type HistoryQuery struct {
	StreamID     string `json:"streamId"`
	AfterVersion int64  `json:"afterVersion"`
	Limit        int    `json:"limit"`
}

// HistoryEntry is one event of a stream: what happened, when, by whom, in
// which role, and what it recorded.
type HistoryEntry struct {
	Version    int64           `json:"version"`
	Position   int64           `json:"position"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurredAt"`
	Actor      events.Actor    `json:"actor"`
	Data       json.RawMessage `json:"data"`
}

// history answers a page of the events of one stream, oldest first, to the
// faculty and the partnership office: who did what, when, in which role.
// A page may still be large when it holds allocations of large rounds: ask
// for fewer with limit.
func history(store *eventstore.Store) command.Endpoint {
	return command.Answer("history", func(ctx context.Context, q command.Question[HistoryQuery]) ([]HistoryEntry, error) {
		if q.Actor.Role != events.RoleOffice && q.Actor.Role != events.RoleFaculty {
			return nil, errs.Newf(errs.Forbidden, "the history of records is for the faculty and the partnership office")
		}
		limit := q.Query.Limit
		if limit == 0 {
			limit = 50
		}
		var v errs.Check
		v.Required("streamId", q.Query.StreamID)
		v.MaxLength("streamId", q.Query.StreamID, 200)
		v.Range("limit", limit, 1, 200)
		if q.Query.AfterVersion < 0 {
			v.Add(errs.Invalid("afterVersion", "range", "must not be negative"))
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		recorded, err := store.LoadAfter(ctx, q.Query.StreamID, q.Query.AfterVersion)
		if err != nil {
			return nil, err
		}
		if len(recorded) == 0 && q.Query.AfterVersion == 0 {
			return nil, errs.Newf(errs.NotFound, "no stream %s", q.Query.StreamID)
		}
		// A page, so that an answer always fits in one message (one
		// allocation of a large round is several megabytes).
		recorded = recorded[:min(len(recorded), limit)]
		out := make([]HistoryEntry, len(recorded))
		for i, e := range recorded {
			out[i] = HistoryEntry{Version: e.StreamVersion, Position: e.Position, Type: e.Type, OccurredAt: e.OccurredAt, Actor: e.Actor, Data: e.Data}
		}
		return out, nil
	})
}
