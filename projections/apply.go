package projections

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
)

// Notifications is the PostgreSQL channel on which every batch announces the
// position it brought a projection to, as "<projection> <service>
// <position>"; the gateway waits on it for read-your-writes and live
// dashboards.
const Notifications = "wsms_projections"

// PoisonError is an event a projection cannot apply: applying it again gives
// the same error, so the projection stops there rather than skipping it or
// trying forever.
type PoisonError struct {
	Projection string
	Service    string
	Position   int64
	EventID    string
	Type       string
	Err        error
}

func (e *PoisonError) Error() string {
	return fmt.Sprintf("projection %s stopped at %s position %d (event %s, %s): %v",
		e.Projection, e.Service, e.Position, e.EventID, e.Type, e.Err)
}

func (e *PoisonError) Unwrap() error { return e.Err }

// GapError says a batch does not start right after the checkpoint: an event
// in between has not arrived, and applying the batch would skip it.
type GapError struct {
	Service          string
	Checkpoint, Next int64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("%s: checkpoint at position %d but the next event is at %d", e.Service, e.Checkpoint, e.Next)
}

// batch applies one service's events, in position order, to the projection's
// tables in schema, and moves the checkpoint, all in one transaction. Events
// at or below the checkpoint are skipped: a redelivered event changes
// nothing. It returns the checkpoint after the batch and how many events it
// applied (which a rebuild's swap may have made fewer than the checkpoint
// moved).
func batch(ctx context.Context, db *pgxpool.Pool, reg *events.Registry, p Projection, schema, service string, envs []events.Envelope) (checkpoint int64, applied int, err error) {
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		checkpoint, applied, err = batchTx(ctx, tx, reg, p, schema, service, envs)
		return err
	})
	return checkpoint, applied, err
}

// batchTx is batch within tx, which a rebuild's swap shares with what it
// does next. It leaves the search path of tx set to schema.
//
// The commit does not wait for the disk: a read model is rebuilt from the
// events, and its checkpoint is lost with its rows, so a crash that loses
// the last batches only means applying them again (the runner restarts its
// consumer from the checkpoint it finds). Not waiting keeps the read models
// close behind the commands.
func batchTx(ctx context.Context, tx pgx.Tx, reg *events.Registry, p Projection, schema, service string, envs []events.Envelope) (checkpoint int64, applied int, err error) {
	if schema == p.Schema() {
		// The lock orders the live batches of every service of the
		// projection and a rebuild's swap, so a batch never runs on a
		// schema being replaced.
		_, err = tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1), set_config('search_path', $2, true), set_config('synchronous_commit', 'off', true)",
			p.lockKey(), pgx.Identifier{schema}.Sanitize())
	} else {
		// A shadow schema is written by the one rebuild holding the
		// rebuild lock, and its swap takes the live lock itself: its
		// catch-up batches leave the live batches alone.
		_, err = tx.Exec(ctx, "SELECT set_config('search_path', $1, true), set_config('synchronous_commit', 'off', true)",
			pgx.Identifier{schema}.Sanitize())
	}
	if err != nil {
		return 0, 0, err
	}
	var version string
	err = tx.QueryRow(ctx, "SELECT c.position, v.tables FROM checkpoint c CROSS JOIN version v WHERE c.service = $1 FOR UPDATE OF c", service).
		Scan(&checkpoint, &version)
	if err != nil {
		return 0, 0, fmt.Errorf("%s checkpoint of %s: %w", p.Name, service, err)
	}
	// Another process may have rebuilt the read model with other tables
	// (a newer or older release of this code): its rows are not this
	// code's to write.
	if version != p.version() {
		return 0, 0, fmt.Errorf("%s: %w", p.Name, ErrOutdated)
	}
	for _, env := range envs {
		if env.Position <= checkpoint {
			continue
		}
		if env.Position != checkpoint+1 {
			return 0, 0, &GapError{Service: service, Checkpoint: checkpoint, Next: env.Position}
		}
		if err := applyOne(ctx, tx, reg, p, service, env); err != nil {
			return 0, 0, err
		}
		checkpoint = env.Position
		applied++
	}
	if applied == 0 {
		return checkpoint, 0, nil
	}
	_, err = tx.Exec(ctx, "WITH moved AS (UPDATE checkpoint SET position = $2 WHERE service = $1) SELECT pg_notify($3, $4)",
		service, checkpoint, Notifications, fmt.Sprintf("%s %s %d", p.Name, service, checkpoint))
	if err != nil {
		return 0, 0, err
	}
	return checkpoint, applied, nil
}

// applyOne applies one event, naming it in any failure that is not the
// connection's. A panic in Apply is the event's fault as an error is: it
// stops the projection (with the stack, to find the bug), not the process
// and every other projection with it.
func applyOne(ctx context.Context, tx pgx.Tx, reg *events.Registry, p Projection, service string, env events.Envelope) (err error) {
	poison := func(err error) *PoisonError {
		return &PoisonError{Projection: p.Name, Service: service, Position: env.Position, EventID: env.ID.String(), Type: env.Type, Err: err}
	}
	defer func() {
		if r := recover(); r != nil {
			err = poison(fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	payload, err := reg.Decode(env.Type, env.Data)
	if err != nil {
		return poison(err)
	}
	if err := p.Apply(ctx, tx, Event{Envelope: env, Service: service, Payload: payload}); err != nil {
		if transient(err) {
			return &eventFailure{poison(err)}
		}
		return poison(err)
	}
	return nil
}

// eventFailure is an event whose Apply failed with an error that may pass
// (the server cancelled a statement, ran short of resources): it is tried
// again, and stops the projection as poison only when it keeps failing (see
// retries). It unwraps to the error, so it is still transient.
type eventFailure struct{ event *PoisonError }

func (e *eventFailure) Error() string {
	return fmt.Sprintf("projection %s failed at %s position %d (event %s, %s): %v",
		e.event.Projection, e.event.Service, e.event.Position, e.event.EventID, e.event.Type, e.event.Err)
}

func (e *eventFailure) Unwrap() error { return e.event.Err }

// transient tells a failure of the connection, which passes, from a failure
// of the event's own rows, which would come again.
func transient(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		switch pg.SQLState()[:2] {
		case "08", "40", "53", "57", "58": // connection, rollback, resources, operator, system
			return true
		}
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isConnErr(err)
}

func isConnErr(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgx.ErrTxClosed)
}
