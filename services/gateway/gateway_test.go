package gateway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"wsms/events"
	"wsms/gateway"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/command"
	"wsms/platform/errs"
	"wsms/platform/natstest"
)

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// serve starts the gateway with r and limits; tokens are signed with the
// development key.
func serve(t *testing.T, r *graph.Resolver, limits gateway.Limits) *httptest.Server {
	t.Helper()
	v, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.Handler(r, v, limits, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

func token(t *testing.T, a events.Actor) string {
	t.Helper()
	tok, err := auth.Mint(auth.DevelopmentKey, a, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func post(t *testing.T, srv *httptest.Server, tok, query string) (int, response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return res.StatusCode, out
}

func code(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

var office = events.Actor{ID: "office-1", Role: events.RoleOffice}

func TestGivenNoTokenWhenQueryingThenUnauthenticated(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	_, r := post(t, srv, "", "{ me { id } }")
	if code(r) != "UNAUTHENTICATED" {
		t.Fatalf("want UNAUTHENTICATED, got %+v", r)
	}
}

func TestGivenNoTokenWhenIntrospectingThenTheSchemaIsServed(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	_, r := post(t, srv, "", "{ __schema { queryType { name } } }")
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"Query"`) {
		t.Fatalf("want the schema, got %+v", r)
	}
}

func TestGivenAForgedTokenWhenQueryingThen401(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	forged, err := auth.Mint("another key", office, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	status, r := post(t, srv, forged, "{ me { id } }")
	if status != http.StatusUnauthorized || code(r) != "UNAUTHENTICATED" {
		t.Fatalf("want 401 UNAUTHENTICATED, got %d %+v", status, r)
	}
}

func TestGivenATokenWhenAskingMeThenItSaysWhoAndInWhichRole(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	mentor := events.Actor{ID: "teacher-7", Role: events.RoleMentor, SchoolID: "school-3"}
	_, r := post(t, srv, token(t, mentor), "{ me { id role schoolId } }")
	want := `{"me":{"id":"teacher-7","role":"MENTOR","schoolId":"school-3"}}`
	if len(r.Errors) > 0 || string(r.Data) != want {
		t.Fatalf("want %s, got %s %+v", want, r.Data, r.Errors)
	}
}

func TestGivenADeepQueryWhenOverTheDepthLimitThenRefusedBeforeResolving(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.Limits{Depth: 4, Complexity: 1000})
	_, r := post(t, srv, token(t, office), "{ __schema { types { fields { type { name } } } } }")
	if code(r) != "DEPTH_LIMIT_EXCEEDED" {
		t.Fatalf("want DEPTH_LIMIT_EXCEEDED, got %+v", r)
	}
	_, r = post(t, srv, token(t, office), "{ __schema { types { fields { name } } } }")
	if len(r.Errors) > 0 {
		t.Fatalf("a query of depth 4 is allowed: %+v", r.Errors)
	}
}

func TestGivenAWideQueryWhenOverTheComplexityLimitThenRefused(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.Limits{Depth: 10, Complexity: 3})
	_, r := post(t, srv, token(t, office), "{ me { id role schoolId } a: me { id } }")
	if code(r) != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("want COMPLEXITY_LIMIT_EXCEEDED, got %+v", r)
	}
}

// A service's refusal reaches the client with its code, field and rule. The
// service here is a NATS responder answering as the services do.
func TestGivenAServiceRefusalWhenSendingAMutationThenItsFieldAndRuleAreExtensions(t *testing.T) {
	t.Parallel()
	nc := natstest.Start(t).Connect(t)
	ns := natstest.Namespace()
	var got command.Request[map[string]any]
	sub, err := nc.Subscribe(command.Subject(ns, "placement", "register-school"), func(m *nats.Msg) {
		_ = json.Unmarshal(m.Data, &got)
		body, _ := json.Marshal(errs.Invalid("contact.email", "email", "%q is not an e-mail address", "ada"))
		reply := nats.NewMsg(m.Reply)
		reply.Header.Set(micro.ErrorHeader, "invalid")
		reply.Header.Set(micro.ErrorCodeHeader, "400")
		reply.Data = body
		_ = m.RespondMsg(reply)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	srv := serve(t, &graph.Resolver{NATS: nc, Namespace: ns, CommandTimeout: 10 * time.Second}, gateway.DefaultLimits)

	_, r := post(t, srv, token(t, office), `mutation { registerSchool(input: {name: "Kowloon True Light", contact: {email: "ada"}}, idempotencyKey: "k1") { streamId } }`)

	if code(r) != "VALIDATION" || r.Errors[0].Extensions["field"] != "contact.email" || r.Errors[0].Extensions["rule"] != "email" {
		t.Fatalf("want VALIDATION on contact.email (email), got %+v", r)
	}
	if got.Actor != office {
		t.Errorf("the command must act for the token's actor, got %+v", got.Actor)
	}
	if got.Command["name"] != "Kowloon True Light" {
		t.Errorf("the input must reach the service unchanged, got %+v", got.Command)
	}
	if got.IdempotencyKey != "gateway/office-1/k1" {
		t.Errorf("idempotency keys are the viewer's own, got %q", got.IdempotencyKey)
	}
}
