package relay_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/platform/dbtest"
	"wsms/platform/eventstore"
	"wsms/platform/localpg"
	"wsms/platform/natstest"
	"wsms/platform/relay"
)

// TestRelayGoesOnAfterDumpAndRestore dumps a service's event store, restores
// it into a brand-new PostgreSQL cluster, whose transaction ids start again
// from the beginning, and appends there: the relay publishes the new events
// after the old ones and skips none. (A relay whose horizon was built on
// transaction ids would find every new event "before" its checkpoint.)
func TestRelayGoesOnAfterDumpAndRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bin, err := localpg.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	oldURL := dbtest.URL(t, storeSet)
	oldDB, err := pgxpool.New(ctx, oldURL)
	if err != nil {
		t.Fatal(err)
	}
	defer oldDB.Close()
	ns := natstest.Start(t)
	nc := ns.Connect(t)
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace(), BatchSize: 7}

	// Burn transaction ids on the old cluster, so the new one's are lower.
	var oldXid int64
	for range 1000 {
		if err := oldDB.QueryRow(ctx, "SELECT pg_current_xact_id()::text::bigint").Scan(&oldXid); err != nil {
			t.Fatal(err)
		}
	}
	old := eventstore.New(oldDB, "placement")
	for i := range 20 {
		if err := appendNew(ctx, old, fmt.Sprintf("school-old-%d", i), 1); err != nil {
			t.Fatal(err)
		}
	}
	relayUntilPublished(t, old, nc, cfg)

	dump, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_dump"), "--no-owner", "--schema=placement", oldURL).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	dir, err := localpg.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	fresh, err := localpg.Start(ctx, localpg.Options{Dir: filepath.Join(dir, "data"), Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fresh.Stop() })
	restore := exec.CommandContext(ctx, filepath.Join(bin, "psql"), "--quiet", "--set=ON_ERROR_STOP=1", "--file=-", fresh.URL("postgres"))
	restore.Stdin = bytes.NewReader(dump)
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	newDB, err := pgxpool.New(ctx, fresh.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer newDB.Close()
	var newXid int64
	if err := newDB.QueryRow(ctx, "SELECT pg_current_xact_id()::text::bigint").Scan(&newXid); err != nil {
		t.Fatal(err)
	}
	if newXid >= oldXid {
		t.Fatalf("the new cluster's transaction ids (%d) are not below the old one's (%d): the test would prove nothing", newXid, oldXid)
	}
	restored := eventstore.New(newDB, "placement")
	for i := range 20 {
		if err := appendNew(ctx, restored, fmt.Sprintf("school-new-%d", i), 1); err != nil {
			t.Fatal(err)
		}
	}
	relayUntilPublished(t, restored, nc, cfg)
	assertStreamIsLog(t, nc, restored, cfg)
}

// relayUntilPublished runs a relay on s until it has published everything.
func relayUntilPublished(t *testing.T, s *eventstore.Store, nc *nats.Conn, cfg relay.Config) {
	t.Helper()
	r, err := relay.New(s, nc, cfg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitPublished(t, s, cfg.Service)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
