package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/platform/localnats"
	"wsms/platform/localpg"
)

// infrastructure is the PostgreSQL and NATS a process works with, and what
// to stop when it is done.
type infrastructure struct {
	db       *pgxpool.Pool
	nc       *nats.Conn
	pgURL    string
	natsURL  string
	embedded []string // what this process started itself, for the banner
	stops    []func()
}

// connect reaches PostgreSQL and NATS. Where a URL is not set and provision
// is true, it starts a private PostgreSQL and an embedded NATS under the
// data directory; serve, which runs beside others, never does.
func connect(ctx context.Context, s settings, provision bool, log *slog.Logger) (_ *infrastructure, err error) {
	in := &infrastructure{pgURL: s.DatabaseURL, natsURL: s.NATSURL}
	defer func() {
		if err != nil {
			in.close()
		}
	}()
	if in.pgURL == "" {
		if !provision {
			return nil, errors.New("DATABASE_URL is not set: serve needs a running PostgreSQL (wsms run starts its own)")
		}
		cluster, err := localpg.Start(ctx, localpg.Options{Dir: filepath.Join(s.DataDir, "postgres"), Logger: log})
		if err != nil {
			return nil, err
		}
		in.stops = append(in.stops, func() {
			if err := cluster.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		})
		if err := createDatabase(ctx, cluster.URL("postgres"), "wsms"); err != nil {
			return nil, err
		}
		in.pgURL = cluster.URL("wsms")
		in.embedded = append(in.embedded, "PostgreSQL (private cluster in "+filepath.Join(s.DataDir, "postgres")+")")
	}
	if in.natsURL == "" {
		if !provision {
			return nil, errors.New("NATS_URL is not set: serve needs a running NATS with JetStream (wsms run embeds one)")
		}
		srv, err := localnats.Start(localnats.Options{StoreDir: filepath.Join(s.DataDir, "nats"), Port: s.NATSPort, SyncAlways: s.NATSSync})
		if err != nil {
			return nil, fmt.Errorf("%w (is port %d taken? choose another with -nats-port, or 0 for any)", err, s.NATSPort)
		}
		in.stops = append(in.stops, func() { srv.Shutdown(); srv.WaitForShutdown() })
		in.natsURL = srv.ClientURL()
		in.embedded = append(in.embedded, "NATS with JetStream (embedded, data in "+filepath.Join(s.DataDir, "nats")+")")
	}
	pcfg, err := pgxpool.ParseConfig(in.pgURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	// Each relay holds a connection for its lease and notifications; the
	// default pool (four connections on a small machine) would leave the
	// commands of three services one connection to share.
	pcfg.MaxConns = int32(s.DBConns)
	if in.db, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	in.stops = append(in.stops, in.db.Close)
	if err := in.db.Ping(ctx); err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	if in.nc, err = nats.Connect(in.natsURL, nats.Name("wsms"), nats.MaxReconnects(-1)); err != nil {
		return nil, fmt.Errorf("NATS at %s: %w", in.natsURL, err)
	}
	in.stops = append(in.stops, in.nc.Close)
	return in, nil
}

// close lets go of everything, last started first.
func (in *infrastructure) close() {
	for i := len(in.stops) - 1; i >= 0; i-- {
		in.stops[i]()
	}
	in.stops = nil
}

func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}
