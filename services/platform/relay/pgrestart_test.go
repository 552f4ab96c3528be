package relay_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/platform/eventstore"
	"wsms/platform/localpg"
	"wsms/platform/migrate"
	"wsms/platform/natstest"
	"wsms/platform/relay"
)

// TestPostgreSQLRestartUnderLoad restarts PostgreSQL while writers append and
// the relay publishes. Appends refused during the restart were never
// accepted; every accepted one reaches JetStream once, in order.
func TestPostgreSQLRestartUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir, err := localpg.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	cluster, err := localpg.Start(ctx, localpg.Options{Dir: data, Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	db, err := pgxpool.New(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := migrate.Apply(ctx, db, storeSet); err != nil {
		t.Fatal(err)
	}
	s := eventstore.New(db, "placement")
	nc := natstest.Start(t).Connect(t)
	cfg := relay.Config{Service: "placement", Namespace: natstest.Namespace(), BatchSize: 20,
		Idle: 100 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	r, err := relay.New(s, nc, cfg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	runRelay(t, r)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, refused := 0, 0
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := appendNew(ctx, s, fmt.Sprintf("school-%d-%d", w, i), 1)
				mu.Lock()
				if err == nil {
					accepted++
				} else {
					refused++
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if cluster, err = localpg.Start(ctx, localpg.Options{Dir: data, Throwaway: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	if refused == 0 || accepted == 0 {
		t.Fatalf("%d appends accepted and %d refused: the restart did not happen under load", accepted, refused)
	}
	waitPublished(t, s, "placement")
	assertStreamIsLog(t, nc, s, cfg)
	// An append cut off while its commit was under way may have committed
	// without its writer hearing so: the log holds at least every accepted.
	if head, _ := s.Head(ctx); head < int64(accepted) {
		t.Fatalf("the log holds %d events, %d appends were accepted", head, accepted)
	}
}
