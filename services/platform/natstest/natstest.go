// Package natstest gives tests a NATS server with JetStream: TEST_NATS_URL
// when set, otherwise an embedded server of their own that a test can stop
// and start again to play an outage.
package natstest

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"wsms/platform/localnats"
)

// Server is the NATS a test talks to.
type Server struct {
	t        testing.TB
	URL      string
	embedded *server.Server
	dir      string
	port     int
}

// Start returns a NATS server for t, shut down when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	if u := os.Getenv("TEST_NATS_URL"); u != "" {
		return &Server{t: t, URL: u}
	}
	s := &Server{t: t, dir: t.TempDir()}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Embedded reports whether the server runs in this process, so that a test
// can stop it.
func (s *Server) Embedded() bool { return s.dir != "" }

// Stop shuts the embedded server down; its streams stay on disk.
func (s *Server) Stop() {
	if s.embedded != nil {
		s.embedded.Shutdown()
		s.embedded.WaitForShutdown()
		s.embedded = nil
	}
}

// Restart starts the embedded server again, on the same port and storage.
func (s *Server) Restart() {
	s.t.Helper()
	srv, err := localnats.Start(localnats.Options{StoreDir: s.dir, Port: s.port})
	if err != nil {
		s.t.Fatal(err)
	}
	s.embedded = srv
	s.URL = srv.ClientURL()
	if u, err := url.Parse(s.URL); err == nil {
		s.port, _ = strconv.Atoi(u.Port())
	}
}

// Connect returns a client connection that keeps reconnecting, closed when
// the test ends.
func (s *Server) Connect(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(s.URL, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// Namespace returns a subject and stream prefix no other test uses, so tests
// sharing an external server do not see each other's streams.
func Namespace() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}
