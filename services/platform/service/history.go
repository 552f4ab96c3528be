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

// HistoryQuery names a stream of the service.
type HistoryQuery struct {
	StreamID string `json:"streamId"`
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

// history answers the events of one stream, oldest first, to the faculty
// and the partnership office: who did what, when, in which role.
func history(store *eventstore.Store) command.Endpoint {
	return command.Answer("history", func(ctx context.Context, q command.Question[HistoryQuery]) ([]HistoryEntry, error) {
		if q.Actor.Role != events.RoleOffice && q.Actor.Role != events.RoleFaculty {
			return nil, errs.Newf(errs.Forbidden, "the history of records is for the faculty and the partnership office")
		}
		var v errs.Check
		v.Required("streamId", q.Query.StreamID)
		v.MaxLength("streamId", q.Query.StreamID, 200)
		if err := v.Err(); err != nil {
			return nil, err
		}
		recorded, err := store.Load(ctx, q.Query.StreamID)
		if err != nil {
			return nil, err
		}
		if len(recorded) == 0 {
			return nil, errs.Newf(errs.NotFound, "no stream %s", q.Query.StreamID)
		}
		out := make([]HistoryEntry, len(recorded))
		for i, e := range recorded {
			out[i] = HistoryEntry{Version: e.StreamVersion, Position: e.Position, Type: e.Type, OccurredAt: e.OccurredAt, Actor: e.Actor, Data: e.Data}
		}
		return out, nil
	})
}
