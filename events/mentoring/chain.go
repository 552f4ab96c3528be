package mentoring

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// LinkHash is the hash that links an event of a mentoring record to the
// previous one: SHA-256 over the previous hash, a newline, and the event's
// JSON without its "chain" member, with object keys sorted. It reads the
// JSON as stored, so any edit of a stored event changes it.
func LinkHash(prev string, data []byte) (string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return "", fmt.Errorf("link hash: %w", err)
	}
	delete(fields, "chain")
	canonical, err := canonicalJSON(fields)
	if err != nil {
		return "", fmt.Errorf("link hash: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// canonicalJSON encodes v with every object's keys sorted, at every depth,
// and no insignificant space.
func canonicalJSON(v any) ([]byte, error) {
	switch v := v.(type) {
	case map[string]json.RawMessage:
		m := make(map[string]any, len(v))
		for k, raw := range v {
			var inner any
			if err := json.Unmarshal(raw, &inner); err != nil {
				return nil, err
			}
			m[k] = inner
		}
		// encoding/json writes map keys sorted; numbers stay as decoded
		// float64, which round-trips every integer an event holds.
		return json.Marshal(m)
	default:
		return json.Marshal(v)
	}
}
