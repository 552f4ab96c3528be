package graph

import (
	"encoding/base64"
	"encoding/json"

	"wsms/platform/errs"
)

// Lists are Relay connections: a page of first items (50 unless asked, at
// most 200) after an opaque cursor, which is the base64 of the last item's
// sort key, so the next page starts where the last ended however rows
// arrive meanwhile.

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// pageSize is how many items a page holds.
func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 1 || *first > maxPageSize {
		return 0, errs.Invalid("first", "range", "must be from 1 to %d, not %d", maxPageSize, *first)
	}
	return *first, nil
}

// encodeCursor makes the cursor of an item from its sort key.
func encodeCursor(parts ...string) string {
	b, _ := json.Marshal(parts) // strings always encode
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads the sort key of n parts from an after cursor; nil
// when there is none, so the page starts at the first item.
func decodeCursor(s *string, n int) ([]string, error) {
	if s == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	if err != nil {
		return nil, badCursor()
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != n {
		return nil, badCursor()
	}
	return parts, nil
}

// badCursor refuses an after cursor this list did not give, or one whose
// key does not read as the list's key.
func badCursor() error {
	return errs.Invalid("after", "cursor", "is not a cursor of this list: pass an endCursor or cursor this list returned")
}
