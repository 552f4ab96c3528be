package app

import (
	"context"

	"wsms/events"
	"wsms/mentoring/domain"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
)

// VerifyRecord asks whether a mentoring record's events are as recorded.
type VerifyRecord struct {
	RecordID string `json:"recordId"`
}

// VerifyRecordAnswer is the verification of one record's hash chain.
type VerifyRecordAnswer struct {
	RecordID string `json:"recordId"`
	domain.Verification
}

// VerifyRecordIntegrity recomputes the hash chain of a record's events as
// the event store holds them and reports the first broken link. Faculty,
// tutors and the office may ask.
func VerifyRecordIntegrity(store *eventstore.Store) func(ctx context.Context, q command.Question[VerifyRecord]) (VerifyRecordAnswer, error) {
	return func(ctx context.Context, q command.Question[VerifyRecord]) (VerifyRecordAnswer, error) {
		switch q.Actor.Role {
		case events.RoleFaculty, events.RoleOffice, events.RoleTutor:
		default:
			return VerifyRecordAnswer{}, errs.Newf(errs.Forbidden, "only the faculty, tutors and the office verify mentoring records")
		}
		var v errs.Check
		v.UUID("recordId", q.Query.RecordID)
		if err := v.Err(); err != nil {
			return VerifyRecordAnswer{}, err
		}
		recorded, err := store.Load(ctx, domain.RecordStream(q.Query.RecordID))
		if err != nil {
			return VerifyRecordAnswer{}, err
		}
		if len(recorded) == 0 {
			return VerifyRecordAnswer{}, errs.Newf(errs.NotFound, "no mentoring record %s", q.Query.RecordID)
		}
		stored := make([]domain.StoredEvent, len(recorded))
		for i, e := range recorded {
			stored[i] = domain.StoredEvent{Version: e.StreamVersion, Data: e.Data}
		}
		return VerifyRecordAnswer{RecordID: q.Query.RecordID, Verification: domain.VerifyChain(stored)}, nil
	}
}
