// Package schema holds the versioned SQL migrations (and, later, the GraphQL
// schema) as files embedded into the programs that apply them.
package schema

import (
	"embed"
	"io/fs"
)

//go:embed sql
var files embed.FS

// Placement is the migration set of the placement service's own tables
// (beside its event store, in its schema).
func Placement() fs.FS { return sub("sql/placement") }

// Mentoring is the migration set of the mentoring service's own tables.
func Mentoring() fs.FS { return sub("sql/mentoring") }

// Forum is the migration set of the forum service's own tables.
func Forum() fs.FS { return sub("sql/forum") }

// EventStore is the migration set of a service's event store. Every service
// applies it to its own PostgreSQL schema: the files name no schema.
func EventStore() fs.FS { return sub("sql/eventstore") }

func sub(dir string) fs.FS {
	s, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the embedded paths are fixed at build time
	}
	return s
}
