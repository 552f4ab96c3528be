package graph_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"wsms/events"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/errs"
	"wsms/projections"
	"wsms/projections/projectiontest"
)

// What every area's resolver tests share: the viewers, the server, how a
// query is asked and a subscription followed, and how results compare.

// The viewers of the tests.
var (
	office       = events.Actor{ID: "o1", Role: events.RoleOffice}
	faculty      = events.Actor{ID: "f1", Role: events.RoleFaculty}
	tutor        = events.Actor{ID: "u1", Role: events.RoleTutor}
	coordinator1 = events.Actor{ID: "k1", Role: events.RoleSchoolCoordinator, SchoolID: "s1"}
	mentor1      = events.Actor{ID: "t1", Role: events.RoleMentor, SchoolID: "s1"}
	coordinator2 = events.Actor{ID: "k2", Role: events.RoleSchoolCoordinator, SchoolID: "s2"}
	mentor2      = events.Actor{ID: "t3", Role: events.RoleMentor, SchoolID: "s2"}
	student      = events.Actor{ID: "st1", Role: events.RoleStudentTeacher}
)

// server serves the executable schema over POST and WebSocket; a WebSocket
// connection acts for the actor its connection_init payload spells out.
func server(r *graph.Resolver) *handler.Server {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	srv.AddTransport(transport.Websocket{
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return auth.WithActor(ctx, events.Actor{ID: p.GetString("id"), Role: events.Role(p.GetString("role")), SchoolID: p.GetString("schoolId")}), nil, nil
		},
	})
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		g := graphql.DefaultErrorPresenter(ctx, err)
		if e := errs.As(err); e.Code != errs.Internal {
			g.Extensions = map[string]any{"code": string(e.Code), "field": e.Field}
		}
		return g
	})
	return srv
}

// readClient asks h's read models, with no watcher: a subscription is sent
// once and ends.
func readClient(h *projectiontest.Harness) *client.Client {
	return client.New(server(&graph.Resolver{DB: h.DB}))
}

// liveClient asks h's read models with a watcher following h's projections
// until the test ends, so a subscription is sent again as its rows change.
func liveClient(t *testing.T, h *projectiontest.Harness) *client.Client {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	watcher := projections.NewWatcher(h.DB, h.Projections, slog.New(slog.DiscardHandler))
	go func() { _ = watcher.Run(ctx) }()
	return client.New(server(&graph.Resolver{DB: h.DB, Watcher: watcher}))
}

// idleClient asks h's read models with a watcher that never runs: a
// subscription stays open, waiting.
func idleClient(h *projectiontest.Harness) *client.Client {
	watcher := projections.NewWatcher(h.DB, nil, slog.New(slog.DiscardHandler))
	return client.New(server(&graph.Resolver{DB: h.DB, Watcher: watcher}))
}

// ask runs query as actor (nil for no one), with opts such as variables,
// decoding its data into out, and returns the codes of its errors, each
// followed by the argument it names.
func ask(t *testing.T, c *client.Client, actor *events.Actor, query string, out any, opts ...client.Option) []string {
	t.Helper()
	if actor != nil {
		opts = append(opts, func(r *client.Request) { r.HTTP = r.HTTP.WithContext(auth.WithActor(r.HTTP.Context(), *actor)) })
	}
	resp, err := c.RawPost(query, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var problems []struct {
		Message    string
		Extensions struct{ Code, Field string }
	}
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &problems); err != nil {
			t.Fatal(err)
		}
	}
	var codes []string
	for _, p := range problems {
		if p.Extensions.Code == "" {
			t.Fatalf("unexpected error: %s", p.Message)
		}
		codes = append(codes, p.Extensions.Code+field(p.Extensions.Field))
	}
	b, err := json.Marshal(resp.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return codes
}

// answer is ask for a query that must be answered: it fails the test if
// the query is refused.
func answer(t *testing.T, c *client.Client, actor *events.Actor, query string, out any, opts ...client.Option) {
	t.Helper()
	if codes := ask(t, c, actor, query, out, opts...); codes != nil {
		t.Fatalf("refused: %v", codes)
	}
}

func field(f string) string {
	if f == "" {
		return ""
	}
	return " " + f
}

// page is a Relay connection as the tests read it.
type page[T any] struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
	Edges []struct {
		Cursor string
		Node   T
	}
}

func (p page[T]) nodes() []T {
	var out []T
	for _, e := range p.Edges {
		out = append(out, e.Node)
	}
	return out
}

// next waits, a bounded while, for the subscription's next message: a
// value (nil error), or the error or end that came instead.
func next(t *testing.T, sub *client.Subscription, out any) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- sub.Next(out) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription sent nothing for 10s")
		return nil
	}
}

// asPayload is a connection_init payload naming actor, as the test server
// reads it.
func asPayload(a events.Actor) map[string]any {
	return map[string]any{"id": a.ID, "role": string(a.Role), "schoolId": a.SchoolID}
}

func ptr[T any](v T) *T { return &v }

// same fails the test when got and want differ, showing both as JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
