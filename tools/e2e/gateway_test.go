package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/nats-io/nats.go/jetstream"

	"wsms/events"
	"wsms/gateway"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/eventstore"
	"wsms/projections"
	"wsms/projections/readmodels"
)

// gatewaySystem is the whole system as its users meet it: every service,
// the projections building the read models, and the GraphQL gateway in
// front, on one database and one NATS.
type gatewaySystem struct {
	system
	url string
}

// startGateway starts everything until the test ends. The projections are
// every read model readmodels.All lists.
func startGateway(t *testing.T) gatewaySystem {
	t.Helper()
	s := start(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	js, err := jetstream.New(s.nc)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	all := readmodels.All()
	runner := projections.NewRunner(s.db, js, projections.RunnerConfig{Namespace: s.namespace}, log)
	watcher := projections.NewWatcher(s.db, all, log)
	done := make(chan error, 2)
	go func() { done <- runner.Run(ctx, all...) }()
	go func() { done <- watcher.Run(ctx) }()
	srv := httptest.NewServer(gateway.Handler(&graph.Resolver{
		NATS: s.nc, Namespace: s.namespace, DB: s.db, Watcher: watcher,
		ReadWait: 10 * time.Second, CommandTimeout: 30 * time.Second,
	}, verifier, gateway.DefaultLimits, log))
	// Cleanups run last first: the gateway and the projections stop before
	// the services, NATS and the database they use.
	t.Cleanup(func() {
		srv.Close()
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("query side stopped with %v", err)
			}
		}
	})
	return gatewaySystem{system: s, url: srv.URL + "/graphql"}
}

// testWriter sends the query side's warnings to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// token signs actor in for an hour with the development key.
func token(t *testing.T, actor events.Actor) string {
	t.Helper()
	tok, err := auth.Mint(auth.DevelopmentKey, actor, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// gqlError is a GraphQL error as the gateway presents it.
type gqlError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code  string `json:"code"`
		Field string `json:"field"`
		Rule  string `json:"rule"`
	} `json:"extensions"`
}

// gql posts query with vars to the gateway, signed in with token ("" for
// nobody), and returns the data and the errors.
func (g gatewaySystem) gql(t *testing.T, token, query string, vars map[string]any) (json.RawMessage, []gqlError) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s answered %d: %s", g.url, res.StatusCode, raw)
	}
	return out.Data, out.Errors
}

// read runs query and decodes its data into a value of type T, failing the
// test on any error.
func read[T any](t *testing.T, g gatewaySystem, token, query string, vars map[string]any) T {
	t.Helper()
	data, errs := g.gql(t, token, query, vars)
	if len(errs) > 0 {
		t.Fatalf("%s: %+v", firstLine(query), errs)
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: decode %s: %v", firstLine(query), data, err)
	}
	return v
}

// receipt is what a mutation recorded.
type receipt struct {
	Service  string `json:"service"`
	StreamID string `json:"streamId"`
	Version  int    `json:"version"`
	Position int    `json:"position"`
	Replayed bool   `json:"replayed"`
}

// mutationText is the mutation document sending one command, selecting the
// receipt and, when query is not "", the read models once they show it.
func mutationText(name, query string) string {
	sel := "service streamId version position replayed"
	if query != "" {
		sel += " query { " + query + " }"
	}
	return "mutation($input: " + inputType(name) + "!) { " + name + "(input: $input) { " + sel + " } }"
}

// inputType is a mutation's input type: registerSchool takes
// RegisterSchoolInput.
func inputType(mutation string) string {
	r := []rune(mutation)
	r[0] = unicode.ToUpper(r[0])
	return string(r) + "Input"
}

// try sends one command through the gateway as the holder of token.
func (g gatewaySystem) try(t *testing.T, token, mutation string, input map[string]any) []gqlError {
	t.Helper()
	_, errs := g.gql(t, token, mutationText(mutation, ""), map[string]any{"input": input})
	return errs
}

// do sends one command through the gateway and fails the test when it is
// refused.
func (g gatewaySystem) do(t *testing.T, token, mutation string, input map[string]any) receipt {
	t.Helper()
	data, errs := g.gql(t, token, mutationText(mutation, ""), map[string]any{"input": input})
	if len(errs) > 0 {
		t.Fatalf("%s %v: %+v", mutation, input, errs)
	}
	var out map[string]receipt
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out[mutation]
}

// doThen sends one command and returns the read models selected by query,
// read once the projections show the command (read-your-writes), decoded
// into T.
func doThen[T any](t *testing.T, g gatewaySystem, token, mutation string, input map[string]any, query string) T {
	t.Helper()
	data, errs := g.gql(t, token, mutationText(mutation, query), map[string]any{"input": input})
	if len(errs) > 0 {
		t.Fatalf("%s %v: %+v", mutation, input, errs)
	}
	var out map[string]struct {
		Query T `json:"query"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s: decode %s: %v", mutation, data, err)
	}
	return out[mutation].Query
}

// codes lists the codes of errs.
func codes(errs []gqlError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Extensions.Code
	}
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}

// caughtUp waits until every projection has applied every event each of its
// services has recorded.
func (g gatewaySystem) caughtUp(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	eventually(t, "every projection has caught up with the event stores", func() bool {
		for _, p := range readmodels.All() {
			at, err := projections.Checkpoints(ctx, g.db, p)
			if err != nil {
				return false
			}
			for _, svc := range p.Services {
				head, err := eventstore.New(g.db, svc).Head(ctx)
				if err != nil || at[svc] < head {
					return false
				}
			}
		}
		return true
	})
}
