package projections

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"

	"wsms/events"
	"wsms/events/forum"
	"wsms/events/mentoring"
	"wsms/events/placement"
)

// Projection is one named read model. Its name is its durable consumer on
// each service's stream, its checkpoint key and its PostgreSQL schema
// (rm_<name>): never renamed casually, since a new name builds a new read
// model from the first event.
type Projection struct {
	Name string
	// Services are the services whose events it reads.
	Services []string
	// Tables is the read model's DDL. It names no schema: it runs with the
	// search path set to the live schema, or to the shadow schema of a
	// rebuild. Changing it makes the next start rebuild the read model.
	Tables string
	// Apply writes one event's effects. It runs inside the transaction of
	// its batch, with the search path set to the projection's schema, and
	// reads no clock and calls no network, so a rebuild gives the same rows
	// as live processing. An error or a panic stops the projection at
	// that event; an error that may pass (a statement timeout, a lack of
	// resources) does only once the event has failed a few times in a
	// row.
	Apply func(ctx context.Context, tx pgx.Tx, e Event) error
}

// Event is an event as a projection sees it: the envelope, the service that
// recorded it, and its payload decoded (and upcast) to the current Go type.
type Event struct {
	events.Envelope
	Service string
	Payload any
}

// Schema is the PostgreSQL schema holding the projection's live tables.
func (p Projection) Schema() string { return "rm_" + p.Name }

// shadow is where a rebuild builds the projection's tables. No live schema
// has its name, since no projection's name ends in shadowSuffix (see
// validate): a rebuild, which drops a shadow left behind, never drops
// another projection's read model.
func (p Projection) shadow() string { return "rm_" + p.Name + shadowSuffix }

const shadowSuffix = "_next"

// version fingerprints the projection's tables: a read model built with other
// tables is rebuilt.
func (p Projection) version() string {
	sum := sha256.Sum256([]byte(p.Tables))
	return hex.EncodeToString(sum[:8])
}

// lockKey is the advisory lock that orders the projection's batches and a
// rebuild's swap.
func (p Projection) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("wsms projection " + p.Name))
	return int64(h.Sum64())
}

// Registry reads every event of every service.
func Registry() *events.Registry {
	r := events.NewRegistry()
	placement.Register(r)
	mentoring.Register(r)
	forum.Register(r)
	return r
}

// create makes schema and the projection's tables in it, with its checkpoint
// at zero for each service.
func create(ctx context.Context, tx pgx.Tx, p Projection, schema string) error {
	id := pgx.Identifier{schema}.Sanitize()
	if _, err := tx.Exec(ctx, "CREATE SCHEMA "+id); err != nil {
		return fmt.Errorf("create %s: %w", schema, err)
	}
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		CREATE TABLE checkpoint (service text PRIMARY KEY, position bigint NOT NULL);
		CREATE TABLE version (tables text NOT NULL)`); err != nil {
		return fmt.Errorf("create %s: %w", schema, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO version VALUES ($1)", p.version()); err != nil {
		return err
	}
	for _, s := range p.Services {
		if _, err := tx.Exec(ctx, "INSERT INTO checkpoint VALUES ($1, 0)", s); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, p.Tables); err != nil {
		return fmt.Errorf("create %s tables: %w", p.Name, err)
	}
	return nil
}
