package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"
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
				rows := rawRows{stream: uuid.NewString()}
				for i := range batch {
					position++
					rows.add(position, int64(i+1))
				}
				if err := rows.insert(ctx, db); err != nil {
					b.Fatal(err)
				}
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

// rawRows are events written the plainest way pgx has: one INSERT of
// arrays, committed on its own, with no stream check, no position hand-out
// and no notification.
type rawRows struct {
	stream    string
	positions []int64
	ids       []uuid.UUID
	versions  []int64
	data      []string
}

func (r *rawRows) add(position, version int64) {
	r.positions = append(r.positions, position)
	r.ids = append(r.ids, uuid.Must(uuid.NewV7()))
	r.versions = append(r.versions, version)
	r.data = append(r.data, string(benchData))
}

func (r *rawRows) insert(ctx context.Context, db *pgxpool.Pool) error {
	_, err := db.Exec(ctx, `INSERT INTO raw_events
		SELECT p, id, $3, v, 'placement.school.registered.v1', 1, now(), 'office', 'OFFICE', '', $4, $5, d::json
		FROM unnest($1::bigint[], $2::uuid[], $6::bigint[], $7::text[]) AS u(p, id, v, d)`,
		r.positions, r.ids, r.stream, uuid.New(), uuid.New(), r.versions, r.data)
	return err
}
