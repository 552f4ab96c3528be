// Package graph resolves the GraphQL API: queries read the read models the
// projections build, scoped to what the viewer may see; mutations send
// commands to the services. resolver.go holds only the dependencies.
package graph

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"wsms/projections"
)

// Resolver holds what every resolver reads with.
type Resolver struct {
	// NATS carries commands to the services, on subjects under Namespace.
	NATS      *nats.Conn
	Namespace string
	// DB holds the read models.
	DB *pgxpool.Pool
	// Watcher knows how far the projections have read.
	Watcher *projections.Watcher
	// ReadWait bounds how long a mutation's receipt waits for the read
	// models to show the command.
	ReadWait time.Duration
	// CommandTimeout bounds how long a command may take to be answered.
	CommandTimeout time.Duration

	// subscriptions bounds each viewer's live subscriptions.
	subscriptions liveSubscriptions
}
