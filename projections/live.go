package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
)

// ErrOutdated says the live read model was built with other tables than the
// projection now declares: it must be rebuilt.
var ErrOutdated = errors.New("the read model was built with other tables: rebuild it")

// Ensure makes the projection's live schema if it does not exist yet, with
// every checkpoint at zero, and adds a checkpoint at zero for a service the
// projection reads and the schema does not know yet. It returns ErrOutdated
// when the schema exists but holds other tables than p declares.
//
// A schema it creates announces each checkpoint at zero on Notifications:
// an operator may have dropped the read model, and whoever waits on the
// positions it had reached must learn that its rows are gone.
func Ensure(ctx context.Context, db *pgxpool.Pool, p Projection) error {
	if err := p.validate(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", p.lockKey()); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", p.Schema()).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if err := create(ctx, tx, p, p.Schema()); err != nil {
				return err
			}
			for _, s := range p.Services {
				if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", Notifications, fmt.Sprintf("%s %s 0", p.Name, s)); err != nil {
					return err
				}
			}
			return nil
		}
		var version string
		err := tx.QueryRow(ctx, fmt.Sprintf("SELECT tables FROM %s.version", pgx.Identifier{p.Schema()}.Sanitize())).Scan(&version)
		if err != nil {
			return fmt.Errorf("%s: read version: %w", p.Name, err)
		}
		if version != p.version() {
			return fmt.Errorf("%s: %w", p.Name, ErrOutdated)
		}
		// A service added to the projection starts from its first event;
		// the other services' checkpoints stay where they are.
		_, err = tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s.checkpoint SELECT unnest($1::text[]), 0 ON CONFLICT DO NOTHING",
			pgx.Identifier{p.Schema()}.Sanitize()), p.Services)
		return err
	})
}

// Apply applies one service's events, in position order, to the projection's
// live tables and moves its checkpoint, in one transaction. Events at or
// below the checkpoint change nothing. It returns the new checkpoint, a
// *PoisonError naming an event that cannot be applied, a *GapError when
// the events do not follow the checkpoint, or ErrOutdated when another
// process has rebuilt the read model with other tables meanwhile.
func Apply(ctx context.Context, db *pgxpool.Pool, reg *events.Registry, p Projection, service string, envs []events.Envelope) (int64, error) {
	checkpoint, _, err := batch(ctx, db, reg, p, p.Schema(), service, envs)
	return checkpoint, err
}

// Checkpoints returns how far the projection has read each of its services.
func Checkpoints(ctx context.Context, db *pgxpool.Pool, p Projection) (map[string]int64, error) {
	rows, err := db.Query(ctx, fmt.Sprintf("SELECT service, position FROM %s.checkpoint", pgx.Identifier{p.Schema()}.Sanitize()))
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	var service string
	var position int64
	_, err = pgx.ForEachRow(rows, []any{&service, &position}, func() error {
		out[service] = position
		return nil
	})
	return out, err
}
