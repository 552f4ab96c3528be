package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/migrate"
	"wsms/schema"
)

// benchData is the payload every benchmark writes: the size of a typical
// placement event.
var benchData = json.RawMessage(`{"schoolId":"0193a3e2-7c1d-7b52-9f4e-2d5c8a6b1e01","name":"St. Clare's Girls' School","district":"Central and Western","level":"secondary","contact":{"name":"Mary Chan","email":"mary.chan@stclare.edu.hk"}}`)

// BenchmarkAppend measures appends through the store, one stream per
// append, next to the raw limit of the same machine: plain pgx inserts of
// the same rows into a table of the same shape, with no stream check, no
// position hand-out and no notification. Compare events/s of
// append/batch=N with raw-insert/batch=N.
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("raw-insert/batch=%d", batch), func(b *testing.B) {
			db := dbtest.New(b, migrate.Set{Schema: "placement", Files: schema.EventStore()})
			ctx := context.Background()
			if _, err := db.Exec(ctx, `CREATE TABLE raw_events (LIKE placement.events INCLUDING ALL)`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			position := int64(0)
			for range b.N {
				rows := make([][]any, batch)
				stream := uuid.NewString()
				for i := range rows {
					position++
					rows[i] = []any{position, uuid.Must(uuid.NewV7()), stream, int64(i + 1), "placement.school.registered.v1", 1,
						time.Now(), "office", "OFFICE", "", uuid.New(), uuid.New(), string(benchData)}
				}
				rawInsert(ctx, b, db, rows)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
		b.Run(fmt.Sprintf("append/batch=%d", batch), func(b *testing.B) {
			db := dbtest.New(b, migrate.Set{Schema: "placement", Files: schema.EventStore()})
			s := eventstore.New(db, "placement")
			ctx := context.Background()
			pending := make([]eventstore.Pending, batch)
			for i := range pending {
				pending[i] = eventstore.Pending{Type: "placement.school.registered.v1", Data: benchData}
			}
			b.ResetTimer()
			for range b.N {
				a := appendOf(uuid.NewString(), 0, 0)
				a.Events = pending
				if _, err := s.Append(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// rawInsert writes rows in one transaction: a plain INSERT for one row, COPY
// for more, the fastest way pgx has.
func rawInsert(ctx context.Context, b *testing.B, db *pgxpool.Pool, rows [][]any) {
	cols := []string{"position", "event_id", "stream_id", "stream_version", "type", "schema_version", "occurred_at",
		"actor_id", "actor_role", "actor_school_id", "correlation_id", "causation_id", "data"}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if len(rows) == 1 {
			_, err := tx.Exec(ctx, `INSERT INTO raw_events VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, rows[0]...)
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"raw_events"}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}
