package projections

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/events"
)

// LiveLockKey is the advisory lock every live batch of p takes, so that a
// test can hold it as a long batch would.
func LiveLockKey(p Projection) int64 { return p.lockKey() }

// ApplyCounting is Apply, also returning how many events the batch applied.
func ApplyCounting(ctx context.Context, db *pgxpool.Pool, reg *events.Registry, p Projection, service string, envs []events.Envelope) (int64, int, error) {
	return batch(ctx, db, reg, p, p.Schema(), service, envs)
}
