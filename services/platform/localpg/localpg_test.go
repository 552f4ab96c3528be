package localpg_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"wsms/platform/localpg"
)

// TestStartInitialisesThenReuses starts a private cluster in an empty
// directory, writes a row, stops it, and starts it again on the same
// directory: the row is still there, as `make run` expects across runs.
func TestStartInitialisesThenReuses(t *testing.T) {
	ctx := context.Background()
	parent, err := localpg.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	dir := filepath.Join(parent, "pg")

	connect := func(c *localpg.Cluster) *pgx.Conn {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(ctx) })
		return conn
	}

	c, err := localpg.Start(ctx, localpg.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connect(c).Exec(ctx, "CREATE TABLE kept AS SELECT 42 AS n"); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	c, err = localpg.Start(ctx, localpg.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	var n int
	if err := connect(c).QueryRow(ctx, "SELECT n FROM kept").Scan(&n); err != nil || n != 42 {
		t.Fatalf("row after restart = %d, %v; want 42", n, err)
	}
}
