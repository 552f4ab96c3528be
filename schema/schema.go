// Package schema holds the versioned SQL migrations (and, later, the GraphQL
// schema) as files embedded into the programs that apply them.
package schema

import (
	"embed"
	"io/fs"
)

//go:embed sql
var files embed.FS

// EventStore is the migration set of a service's event store. Every service
// applies it to its own PostgreSQL schema: the files name no schema.
func EventStore() fs.FS {
	sub, err := fs.Sub(files, "sql/eventstore")
	if err != nil {
		panic(err) // the embedded path is fixed at build time
	}
	return sub
}
