package graph

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// cursorValue reads a part of a cursor as a value of its sort key's SQL
// type (text, int, bigint or timestamptz), refusing text that is not one:
// a crafted cursor is refused here, naming "after", rather than failing
// the query's cast as an internal error.
func cursorValue(typ, s string) (any, error) {
	var v any
	var err error
	switch typ {
	case "int":
		v, err = strconv.ParseInt(s, 10, 32)
	case "bigint":
		v, err = strconv.ParseInt(s, 10, 64)
	case "timestamptz":
		v, err = time.Parse(time.RFC3339Nano, s)
	default:
		// PostgreSQL's text holds no NUL.
		v = s
		if strings.ContainsRune(s, 0) {
			err = badCursor()
		}
	}
	if err != nil {
		return nil, badCursor()
	}
	return v, nil
}

// badCursor refuses an after cursor this list did not give, or one whose
// key does not read as the list's key.
func badCursor() error {
	return errs.Invalid("after", "cursor", "is not a cursor of this list: pass an endCursor or cursor this list returned")
}

// The bounds of a search argument: enough for any name or phrase, and few
// enough words that one request cannot make the query test each row
// against thousands of them.
const (
	maxSearchChars = 200
	maxSearchWords = 10
)

// searchWords checks the search argument field and returns its words.
func searchWords(field, s string) ([]string, error) {
	if n := utf8.RuneCountInString(s); n > maxSearchChars {
		return nil, errs.Invalid(field, "max_length", "may hold at most %d characters, not %d", maxSearchChars, n)
	}
	if strings.ContainsRune(s, 0) {
		return nil, errs.Invalid(field, "text", "may not hold a NUL character")
	}
	words := strings.Fields(s)
	if len(words) > maxSearchWords {
		return nil, errs.Invalid(field, "max_words", "may hold at most %d words, not %d", maxSearchWords, len(words))
	}
	return words, nil
}

// page is a page of a list: the items it holds, how many the whole list
// holds, and whether more follow.
type page[T any] struct {
	total int
	items []T
	more  bool
}

// edgesOf makes the edges of a page, each with the cursor of its key, and
// says where the page ends.
func edgesOf[T, E any](p page[T], key func(T) []string, edge func(cursor string, node *T) E) ([]E, *PageInfo) {
	edges := make([]E, len(p.items))
	info := &PageInfo{HasNextPage: p.more}
	for i := range p.items {
		cursor := encodeCursor(key(p.items[i])...)
		edges[i] = edge(cursor, &p.items[i])
		info.EndCursor = &cursor
	}
	return edges, info
}
