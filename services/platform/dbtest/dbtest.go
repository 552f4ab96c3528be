// Package dbtest gives each test a fresh, migrated PostgreSQL database,
// created from a template so that creating one costs a file copy, not a
// migration run, and dropped when the test ends; tests can run in parallel.
//
// The server is TEST_DATABASE_URL when set; otherwise a private cluster
// (package localpg) started once per test binary and stopped by Main.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"wsms/platform/localpg"
	"wsms/platform/migrate"
)

// server is the one PostgreSQL a test binary uses. It is shared by every test
// of the binary, as the server of a run is, and started on first use.
var server struct {
	once    sync.Once
	url     string // admin connection string, database name replaced per use
	cluster *localpg.Cluster
	dir     string
	err     error
}

// Main runs the tests of a package and then stops the private cluster, if
// one was started. Use it as the package's TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server.cluster != nil {
		if err := server.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dbtest: stop private PostgreSQL:", err)
		}
		os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

func start() {
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		server.url = url
		return
	}
	dir, err := localpg.TempDir()
	if err != nil {
		server.err = err
		return
	}
	server.dir = dir
	server.cluster, server.err = localpg.Start(context.Background(), localpg.Options{Dir: filepath.Join(dir, "data"), Throwaway: true})
	if server.err == nil {
		server.url = server.cluster.URL("postgres")
	}
}

// URL returns the connection string of a fresh database holding sets,
// dropped when t ends.
func URL(t testing.TB, sets ...migrate.Set) string {
	t.Helper()
	server.once.Do(start)
	if server.err != nil {
		t.Fatalf("dbtest: no PostgreSQL for tests: %v", server.err)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server.url)
	if err != nil {
		t.Fatalf("dbtest: connect %s: %v", server.url, err)
	}
	defer admin.Close(ctx)
	template, err := templateFor(ctx, admin, sets)
	if err != nil {
		t.Fatalf("dbtest: template: %v", err)
	}
	name := "wsms_test_" + randomHex()
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(ctx, server.url)
		if err != nil {
			t.Errorf("dbtest: drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Errorf("dbtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(server.url, name)
}

// New returns a pool on a fresh database holding sets, closed and dropped
// when t ends.
func New(t testing.TB, sets ...migrate.Set) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t, sets...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// templateFor returns the template database for sets, creating and migrating
// it once; an advisory lock keeps test binaries running side by side from
// building it twice.
func templateFor(ctx context.Context, admin *pgx.Conn, sets []migrate.Set) (string, error) {
	fp, err := migrate.Fingerprint(sets...)
	if err != nil {
		return "", err
	}
	name := "wsms_template_" + fp
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, "SELECT pg_advisory_unlock(hashtext($1))", name)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		return name, err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, withDatabase(server.url, name))
	if err == nil {
		err = migrate.Apply(ctx, pool, sets...)
		pool.Close()
	}
	if err != nil {
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		return "", err
	}
	return name, nil
}

// withDatabase replaces the database of a connection string, in either of
// the forms libpq accepts.
func withDatabase(conn, database string) string {
	if u, err := url.Parse(conn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + database
		return u.String()
	}
	return conn + " dbname=" + database
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
