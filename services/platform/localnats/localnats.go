// Package localnats runs a NATS server with JetStream inside this process,
// for local runs and tests when no NATS_URL is given.
package localnats

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options say where the embedded server keeps its streams and where it listens.
type Options struct {
	// StoreDir holds JetStream's file storage; it survives restarts.
	StoreDir string
	// Port is the client port; 0 picks a free one.
	Port int
	// SyncAlways makes JetStream fsync every write (slow, and what a
	// production deployment wants; see deploy/).
	SyncAlways bool
}

// MaxPayload is the largest message the embedded server takes, as deploy/
// configures its cluster.
const MaxPayload = 8 << 20

// Start starts the server and returns once it accepts clients.
func Start(o Options) (*server.Server, error) {
	port := o.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: "wsms-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		SyncAlways: o.SyncAlways,
		// An allocation with every student-teacher's explanation is one
		// event; a round of 10,000 fits.
		MaxPayload: MaxPayload,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("embedded NATS did not accept connections within 10s")
	}
	return srv, nil
}
