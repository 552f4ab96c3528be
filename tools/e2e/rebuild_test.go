package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/projections"
	"wsms/projections/readmodels"
)

// readModels dumps every table of every projection's live schema, each row
// as text, in a total order.
func readModels(t *testing.T, db *pgxpool.Pool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	for _, p := range readmodels.All() {
		rows, err := db.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`, p.Schema())
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			tables = append(tables, pgx.Identifier{p.Schema(), n}.Sanitize())
		}
	}
	dump := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(ctx, fmt.Sprintf("SELECT r::text FROM %s r ORDER BY 1", table))
		if err != nil {
			t.Fatal(err)
		}
		if dump[table], err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatal(err)
		}
	}
	return dump
}

// TestRebuildingEveryProjectionGivesTheTablesLiveProcessingBuilt plays a
// round, a placement's mentoring and a forum year through the gateway,
// waits until every projection has read every event, and rebuilds each
// projection from the event stores: every table of every read model holds
// the same rows, row for row, as live processing left it.
func TestRebuildingEveryProjectionGivesTheTablesLiveProcessingBuilt(t *testing.T) {
	t.Parallel()
	g := startGateway(t)
	w := playRound(t, g)
	liveMentoring(t, g, w)
	playForum(t, g, w)
	g.caughtUp(t)

	live := readModels(t, g.db)
	if len(readmodels.All()) == 0 || len(live) == 0 {
		t.Fatal("no read model to rebuild: readmodels.All lists none")
	}
	for _, p := range readmodels.All() {
		if err := projections.Rebuild(context.Background(), g.db, p, nil); err != nil {
			t.Fatalf("rebuild %s: %v", p.Name, err)
		}
	}
	rebuilt := readModels(t, g.db)
	for table, rows := range live {
		if !slices.Equal(rows, rebuilt[table]) {
			t.Errorf("%s after the rebuild differs from live processing:\nonly live:    %q\nonly rebuilt: %q", table, missing(rows, rebuilt[table]), missing(rebuilt[table], rows))
		}
	}
	for table := range rebuilt {
		if _, ok := live[table]; !ok {
			t.Errorf("the rebuild made table %s, which live processing did not", table)
		}
	}
}

// missing lists the rows of a that b does not hold.
func missing(a, b []string) []string {
	var out []string
	for _, r := range a {
		if !slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	return out
}
