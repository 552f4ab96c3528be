package servicetest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/platform/crashtest"
	"wsms/platform/dbtest"
	"wsms/platform/natstest"
	"wsms/platform/service"
)

// Env is a test's database and NATS, reachable from a child process the
// test starts with crashtest.
type Env struct {
	DBURL, NATSURL, Namespace string
	DB                        *pgxpool.Pool
	NATS                      *nats.Conn
}

// NewEnv gives the test a fresh database and a NATS of its own.
func NewEnv(t testing.TB) Env {
	t.Helper()
	return newEnv(t, 0)
}

// newEnv is NewEnv with a pool of maxConns connections (pgxpool's default
// when 0).
func newEnv(t testing.TB, maxConns int32) Env {
	t.Helper()
	ns := natstest.Start(t)
	e := Env{DBURL: dbtest.URL(t), NATSURL: ns.URL, Namespace: natstest.Namespace(), NATS: ns.Connect(t)}
	e.connectDB(t, maxConns)
	return e
}

// RunAll starts specs together, as one system, on a fresh database and a
// NATS of the test's own, until the test ends. Each service holds pool
// connections for as long as it runs (its relay's listener among them):
// the pool has maxConns, room for every service and its commands whatever
// the machine's CPU count, which sizes pgxpool's default.
func RunAll(t testing.TB, maxConns int32, specs ...service.Spec) Env {
	t.Helper()
	e := newEnv(t, maxConns)
	for _, spec := range specs {
		Run(t, spec, e.DB, e.NATS, e.Namespace)
	}
	return e
}

// ChildVars are what a child process needs to reach the environment, with
// more key and value pairs of the test's own; pass them to crashtest.Start
// and read them back with ChildEnv and crashtest.Env.
func (e Env) ChildVars(keysAndValues ...string) map[string]string {
	vars := map[string]string{"DB": e.DBURL, "NATS": e.NATSURL, "NS": e.Namespace}
	for i := 0; i+1 < len(keysAndValues); i += 2 {
		vars[keysAndValues[i]] = keysAndValues[i+1]
	}
	return vars
}

// ChildEnv is the environment of the parent test, in a child process.
func ChildEnv(t testing.TB) Env {
	t.Helper()
	e := Env{DBURL: crashtest.Env("DB"), NATSURL: crashtest.Env("NATS"), Namespace: crashtest.Env("NS")}
	e.connectDB(t, 0)
	nc, err := nats.Connect(e.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	e.NATS = nc
	return e
}

// connectDB opens a pool of maxConns connections to the database (pgxpool's
// default when 0).
func (e *Env) connectDB(t testing.TB, maxConns int32) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(e.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	db, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e.DB = db
}

// CommandsOnly is spec without its background work: the service takes
// commands while the test runs its process managers itself.
func CommandsOnly(spec service.Spec) service.Spec {
	spec.Workers = nil
	return spec
}
