package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
	"wsms/platform/eventstore"
)

// Progress is how far a rebuild has come: events applied to the new tables
// out of the events the services' stores held (Total grows while events keep
// arriving), and how fast.
type Progress struct {
	Projection  string
	Done, Total int64
	// Rate is events applied per second since the rebuild started.
	Rate float64
}

// rebuildBatch is how many events a rebuild reads and applies at a time.
const rebuildBatch = 1000

// Rebuild builds the projection's read model again from the services' event
// stores, while live processing goes on in the current one, and swaps the
// new one in. progress, when not nil, is told after each batch and once at
// the end, when Done equals Total.
//
// It reads the event stores directly, not the JetStream streams through a
// consumer (nats.go's jetstream package, let alone a watermill
// subscriber): a rebuild wants large batches in position order from the
// source of truth, and a SELECT of a thousand rows at a time gives exactly
// that without a consumer to declare, pace and clean up, and without
// depending on what the streams still hold.
//
// The tables are built in the shadow schema rm_<name>_next (one left over by
// an interrupted rebuild is dropped first; no projection may be named so
// that this is its live schema). The batches building it do not take the
// lock of the live batches, which go on at their pace. When the shadow has
// caught up with the stores, one transaction takes the lock every live
// batch takes,
// applies the events that arrived meanwhile, drops the live schema and
// renames the shadow to take its place, and announces each service's
// checkpoint on Notifications. Live batches after the swap find the new
// checkpoint and skip what the rebuild already applied. A stop recorded in
// projections.stops at an event the rebuild got past is cleared. Rebuilds
// of one projection run one at a time, across processes.
func Rebuild(ctx context.Context, db *pgxpool.Pool, p Projection, progress func(Progress)) error {
	return rebuild(ctx, db, p, progress, rebuildHooks{})
}

// rebuildHooks let the runner decide, once it holds the rebuild lock,
// whether a rebuild is still needed, and record an event that stops it
// before another process can take the lock and try the same event.
type rebuildHooks struct {
	// before runs once no other rebuild of the projection runs;
	// errUpToDate ends the rebuild without error, any other error ends it
	// with that error.
	before func(ctx context.Context) error
	// poisoned runs, with the lock still held, when an event cannot be
	// applied.
	poisoned func(ctx context.Context, poison *PoisonError)
}

// errUpToDate says a rebuild is not needed (any longer).
var errUpToDate = errors.New("the read model is up to date")

func rebuild(ctx context.Context, db *pgxpool.Pool, p Projection, progress func(Progress), hooks rebuildHooks) (err error) {
	if err := p.validate(); err != nil {
		return err
	}
	conn, err := lockedConn(ctx, db, rebuildKey(p))
	if err != nil {
		return fmt.Errorf("rebuild %s: wait for other rebuilds: %w", p.Name, err)
	}
	defer conn.Close(context.Background()) // ends the session, and the lock with it
	if hooks.before != nil {
		if err := hooks.before(ctx); err != nil {
			return err
		}
	}
	defer func() {
		var poison *PoisonError
		if hooks.poisoned != nil && errors.As(err, &poison) {
			hooks.poisoned(ctx, poison)
		}
	}()
	b := &rebuilder{db: db, p: p, reg: Registry(), progress: progress, started: time.Now(),
		stores: map[string]*eventstore.Store{}, checkpoints: map[string]int64{}}
	for _, s := range p.Services {
		b.stores[s] = eventstore.New(db, s)
	}
	if err := b.prepare(ctx); err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name, err)
	}
	if err := b.catchUp(ctx); err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name, err)
	}
	if err := b.swap(ctx, conn); err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name, err)
	}
	b.total = b.done()
	b.report()
	return nil
}

// rebuildKey is the session lock that lets one rebuild of p run at a time.
func rebuildKey(p Projection) int64 { return hashKey("wsms projection rebuild " + p.Name) }

// rebuilder is one rebuild under way.
type rebuilder struct {
	db          *pgxpool.Pool
	p           Projection
	reg         *events.Registry
	stores      map[string]*eventstore.Store
	checkpoints map[string]int64 // of the shadow tables
	total       int64
	started     time.Time
	progress    func(Progress)
}

// prepare makes empty shadow tables, dropping any a rebuild left behind.
func (b *rebuilder) prepare(ctx context.Context) error {
	return pgx.BeginFunc(ctx, b.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{b.p.shadow()}.Sanitize()+" CASCADE"); err != nil {
			return err
		}
		return create(ctx, tx, b.p, b.p.shadow())
	})
}

// catchUp applies every service's events to the shadow tables until they
// are less than a batch behind the stores, which keep growing meanwhile:
// the rest is applied under the lock, where it must take little time.
func (b *rebuilder) catchUp(ctx context.Context) error {
	for {
		heads, err := b.heads(ctx)
		if err != nil {
			return err
		}
		var behind int64
		for _, s := range b.p.Services {
			behind += heads[s] - b.checkpoints[s]
		}
		if behind <= rebuildBatch {
			return nil
		}
		for _, s := range b.p.Services {
			if err := b.readUpTo(ctx, s, heads[s]); err != nil {
				return err
			}
		}
	}
}

// heads returns the last position of each service's store and counts them
// into the total.
func (b *rebuilder) heads(ctx context.Context) (map[string]int64, error) {
	heads := map[string]int64{}
	var total int64
	for _, s := range b.p.Services {
		h, err := b.stores[s].Head(ctx)
		if err != nil {
			return nil, fmt.Errorf("head of %s: %w", s, err)
		}
		heads[s] = h
		total += h
	}
	b.total = max(b.total, total)
	return heads, nil
}

// readUpTo applies service's events up to position head to the shadow
// tables, a batch per transaction, reading the next batch while one is
// applied.
func (b *rebuilder) readUpTo(ctx context.Context, service string, head int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type page struct {
		envs []events.Envelope
		err  error
	}
	pages := make(chan page, 2)
	go func() {
		defer close(pages)
		for after := b.checkpoints[service]; after < head; {
			envs, err := b.stores[service].ReadAfter(ctx, after, rebuildBatch)
			if len(envs) == 0 && err == nil {
				return
			}
			select {
			case pages <- page{envs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			after = envs[len(envs)-1].Position
		}
	}()
	for pg := range pages {
		err := pg.err
		if err == nil {
			var cp int64
			if cp, _, err = batch(ctx, b.db, b.reg, b.p, b.p.shadow(), service, pg.envs); err == nil {
				b.checkpoints[service] = cp
				b.report()
				continue
			}
		}
		cancel()
		for range pages { // let the reader finish before the caller moves on
		}
		return err
	}
	return ctx.Err()
}

// swap applies, under the projection's lock and in one transaction on conn,
// what arrived since the catch-up, and puts the shadow tables in place of
// the live ones. The live batches wait on the lock meanwhile; the events
// are read through the pool, so a pool filled with waiting batches could
// stall it: the transaction runs on the rebuild's own connection, and a
// process must give its pool more connections than it runs services of one
// projection.
func (b *rebuilder) swap(ctx context.Context, conn *pgx.Conn) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", b.p.lockKey()); err != nil {
			return err
		}
		// The lock stops the live batches, so these heads bound their
		// checkpoints: the new read model is never behind the old one.
		heads, err := b.heads(ctx)
		if err != nil {
			return err
		}
		for _, s := range b.p.Services {
			for b.checkpoints[s] < heads[s] {
				envs, err := b.stores[s].ReadAfter(ctx, b.checkpoints[s], rebuildBatch)
				if err != nil {
					return err
				}
				if len(envs) == 0 {
					return fmt.Errorf("%s: the store's head is at %d but no event follows %d", s, heads[s], b.checkpoints[s])
				}
				cp, _, err := batchTx(ctx, tx, b.reg, b.p, b.p.shadow(), s, envs)
				if err != nil {
					return err
				}
				b.checkpoints[s] = cp
			}
		}
		live, shadow := pgx.Identifier{b.p.Schema()}.Sanitize(), pgx.Identifier{b.p.shadow()}.Sanitize()
		if _, err := tx.Exec(ctx, "DROP SCHEMA IF EXISTS "+live+" CASCADE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "ALTER SCHEMA "+shadow+" RENAME TO "+live); err != nil {
			return err
		}
		// A stop at an event the new read model got past is over.
		var stops bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass('projections.stops') IS NOT NULL").Scan(&stops); err != nil {
			return err
		}
		for _, s := range b.p.Services {
			if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", Notifications, fmt.Sprintf("%s %s %d", b.p.Name, s, b.checkpoints[s])); err != nil {
				return err
			}
			if !stops {
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM projections.stops WHERE projection = $1 AND service = $2 AND position <= $3",
				b.p.Name, s, b.checkpoints[s]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *rebuilder) done() int64 {
	var n int64
	for _, cp := range b.checkpoints {
		n += cp
	}
	return n
}

func (b *rebuilder) report() {
	if b.progress == nil {
		return
	}
	done := b.done()
	var rate float64
	if d := time.Since(b.started).Seconds(); d > 0 {
		rate = float64(done) / d
	}
	b.progress(Progress{Projection: b.p.Name, Done: done, Total: max(b.total, done), Rate: rate})
}
