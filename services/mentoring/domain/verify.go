package domain

import (
	"encoding/json"
	"fmt"

	"wsms/events/mentoring"
)

// StoredEvent is an event of a record as the event store keeps it.
type StoredEvent struct {
	Version int64
	Data    []byte
}

// Verification is the result of checking a record's hash chain.
type Verification struct {
	Events int  `json:"events"`
	Intact bool `json:"intact"`
	// BrokenAt is the stream version of the first event whose link does
	// not hold (0 when intact), and Reason says how.
	BrokenAt int64  `json:"brokenAt,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// VerifyChain recomputes the hash chain of a record's events as stored and
// reports the first broken link.
func VerifyChain(stored []StoredEvent) Verification {
	v := Verification{Events: len(stored), Intact: true}
	prev := ""
	for _, e := range stored {
		var chained struct {
			Chain mentoring.Chain `json:"chain"`
		}
		reason := ""
		if err := json.Unmarshal(e.Data, &chained); err != nil {
			reason = fmt.Sprintf("unreadable: %v", err)
		} else if chained.Chain.Prev != prev {
			reason = "it does not follow the event before it"
		} else if hash, err := mentoring.LinkHash(prev, e.Data); err != nil {
			reason = err.Error()
		} else if hash != chained.Chain.Hash {
			reason = "its content was changed after it was recorded"
		}
		if reason != "" {
			return Verification{Events: len(stored), BrokenAt: e.Version, Reason: reason}
		}
		prev = chained.Chain.Hash
	}
	return v
}
