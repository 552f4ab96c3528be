package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"wsms/events"
	"wsms/events/placement"
	"wsms/gateway"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/command"
	"wsms/platform/dbtest"
	"wsms/platform/errs"
	"wsms/platform/natstest"
	"wsms/projections"
	"wsms/projections/placements"
	"wsms/projections/projectiontest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

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
	return postBody(t, srv, tok, body)
}

// postBody posts body as it is.
func postBody(t *testing.T, srv *httptest.Server, tok string, body []byte) (int, response) {
	t.Helper()
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
	srv := serve(t, &graph.Resolver{}, gateway.Limits{Depth: 4})
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
	if got.IdempotencyKey != "gateway/8:office-1/k1" {
		t.Errorf("idempotency keys are the viewer's own, got %q", got.IdempotencyKey)
	}
}

// quiet is a logger for tests that do not read the log.
var quiet = slog.New(slog.DiscardHandler)

// logged is a logger whose lines a test reads.
func logged() (*slog.Logger, *bytes.Buffer) {
	var b bytes.Buffer
	return slog.New(slog.NewTextHandler(&b, nil)), &b
}

func TestGivenMoreRootFieldsThanTheLimitWhenQueryingThenRefusedAliasesAndFragmentsIncluded(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.Limits{RootFields: 3})
	for _, tc := range []struct {
		query, want string
	}{
		{"{ a: me { id } b: me { id } c: me { id } }", ""},
		{"{ a: me { id } b: me { id } c: me { id } d: me { id } }", "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"{ a: me { id } ...more } fragment more on Query { b: me { id } ... on Query { c: me { id } d: me { id } } }", "ROOT_FIELD_LIMIT_EXCEEDED"},
	} {
		_, r := post(t, srv, token(t, office), tc.query)
		if code(r) != tc.want {
			t.Errorf("%s: want %q, got %+v", tc.query, tc.want, r)
		}
	}
}

// A connection costs what one item costs times its page size: the page
// asked for, else the schema's default of 50, so that many large pages
// cannot pass as a few fields.
func TestGivenAConnectionWhenItsCostIsCountedThenItsPageSizeMultipliesIt(t *testing.T) {
	t.Parallel()
	// schools { edges { node { id } } } costs 3 per school
	srv := serve(t, &graph.Resolver{}, gateway.Limits{Complexity: 100})
	for _, tc := range []struct {
		page string
		want string
	}{
		{"(first: 33)", ""},
		{"(first: 34)", "COMPLEXITY_LIMIT_EXCEEDED"},
		{"", "COMPLEXITY_LIMIT_EXCEEDED"},
	} {
		_, r := post(t, srv, token(t, office), "{ schools"+tc.page+" { edges { node { id } } } }")
		if tc.want == "" && code(r) == "COMPLEXITY_LIMIT_EXCEEDED" || tc.want != "" && code(r) != tc.want {
			t.Errorf("schools%s: want %q, got %+v", tc.page, tc.want, r)
		}
	}
}

func TestGivenPagesOfPagesWhenQueryingWithTheDefaultLimitsThenRefusedBeforeResolving(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	var q strings.Builder
	q.WriteString("{")
	for i := range 10 {
		fmt.Fprintf(&q, ` a%d: placementRound(id: "r0") { registrations(first: 200) { edges { node { name preferences status placement { schoolId rank } } } } }`, i)
	}
	q.WriteString("}")
	for _, query := range []string{
		q.String(),
		`{ placementRounds(first: 200) { edges { node { registrations(first: 200) { edges { node { name } } } } } } }`,
	} {
		_, r := post(t, srv, token(t, office), query)
		if code(r) != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("want COMPLEXITY_LIMIT_EXCEEDED, got %+v", r)
		}
	}
}

func TestGivenABodyOverTheLimitWhenPostedAnonymouslyThen413BeforeParsing(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	pad := strings.Repeat(" ", 256<<10)
	status, r := postBody(t, srv, "", []byte(`{"query":"{ __typename }`+pad+`"}`))
	if status != http.StatusRequestEntityTooLarge || code(r) != "REQUEST_TOO_LARGE" ||
		r.Errors[0].Message != "the request body is larger than 256 KiB: send a shorter query and fewer variables" {
		t.Fatalf("want 413 REQUEST_TOO_LARGE, got %d %+v", status, r)
	}
	// A body just under the limit is served
	status, r = postBody(t, srv, "", []byte(`{"query":"{ __typename }`+pad[:200<<10]+`"}`))
	if status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("want 200, got %d %+v", status, r)
	}
}

func TestGivenAQueryOfMoreTokensThanTheLimitWhenPostedAnonymouslyThenRefusedWhileParsing(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.Limits{Tokens: 100, RootFields: 100})
	_, r := post(t, srv, "", "{"+strings.Repeat(" __typename", 100)+"}")
	if code(r) != "GRAPHQL_PARSE_FAILED" || !strings.Contains(r.Errors[0].Message, "token limit") {
		t.Fatalf("want GRAPHQL_PARSE_FAILED on the token limit, got %+v", r)
	}
	_, r = post(t, srv, "", "{"+strings.Repeat(" __typename", 90)+"}")
	if len(r.Errors) > 0 {
		t.Fatalf("90 fields are within 100 tokens: %+v", r.Errors)
	}
}

// serveWith is serve with log receiving the gateway's log.
func serveWith(t *testing.T, r *graph.Resolver, limits gateway.Limits, log *slog.Logger) *httptest.Server {
	t.Helper()
	v, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.Handler(r, v, limits, log))
	t.Cleanup(srv.Close)
	return srv
}

func TestGivenAServiceThatNeverAnswersWhenAMutationOutlivesTheOperationTimeoutThenItIsStoppedSayingSo(t *testing.T) {
	t.Parallel()
	nc := natstest.Start(t).Connect(t)
	ns := natstest.Namespace()
	sub, err := nc.Subscribe(command.Subject(ns, "placement", "register-school"), func(*nats.Msg) {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	srv := serveWith(t, &graph.Resolver{NATS: nc, Namespace: ns, CommandTimeout: time.Minute}, gateway.Limits{Timeout: 300 * time.Millisecond}, quiet)

	began := time.Now()
	_, r := post(t, srv, token(t, office), `mutation { registerSchool(input: {name: "Kowloon True Light"}) { streamId } }`)

	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("took %s", took)
	}
	if code(r) != "INTERNAL" || r.Errors[0].Message != "the request ran longer than 300ms and was stopped: ask for less at once" {
		t.Fatalf("want the timeout, got %+v", r)
	}
}

func TestGivenNoServiceListeningWhenAMutationFailsThenTheCallerLearnsNoSubjectAndTheLogDoes(t *testing.T) {
	t.Parallel()
	nc := natstest.Start(t).Connect(t)
	ns := natstest.Namespace()
	log, lines := logged()
	srv := serveWith(t, &graph.Resolver{NATS: nc, Namespace: ns, CommandTimeout: 10 * time.Second}, gateway.DefaultLimits, log)

	_, r := post(t, srv, token(t, office), `mutation { registerSchool(input: {name: "Kowloon True Light"}) { streamId } }`)

	if code(r) != "INTERNAL" || r.Errors[0].Message != "the request failed inside the gateway; try again" {
		t.Fatalf("want a generic INTERNAL error, got %+v", r)
	}
	subject := command.Subject(ns, "placement", "register-school")
	if !strings.Contains(lines.String(), "no service is listening on "+subject) {
		t.Fatalf("the log must keep the cause: %s", lines)
	}
}

// openedRound is a placement round's read model, in a fresh database.
func openedRound(t *testing.T) *projectiontest.Harness {
	t.Helper()
	h := projectiontest.New(t, placements.Projection)
	h.Record(t, "placement", "round-r1", office, placement.PlacementRoundOpened{RoundID: "r1", Name: "2027", SchoolYear: 2027,
		Windows:       []placement.Period{{From: "2028-02-14", To: "2028-03-24"}},
		OfferDeadline: "2027-11-30", PreferenceDeadline: "2027-12-15", MaxPreferences: 5, MaxTravelMinutes: 60})
	return h
}

// watch follows the read models of db until the test ends.
func watch(t *testing.T, db *projections.Watcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- db.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func TestGivenAStoppedReadModelWhenAMutationReadsBackThenSTALESaysHowFarBehindButNotWhy(t *testing.T) {
	t.Parallel()
	// Given the placements read model at placement position 1, stopped by
	// an event it could not apply, with an error quoting SQL
	h := openedRound(t)
	const why = `ERROR: null value in column "subject" of relation "declines" violates not-null constraint (SQLSTATE 23502)`
	// (the table as the projection runner makes it)
	if _, err := h.DB.Exec(context.Background(), `CREATE SCHEMA IF NOT EXISTS projections;
		CREATE TABLE IF NOT EXISTS projections.stops (projection text PRIMARY KEY, service text NOT NULL, position bigint NOT NULL,
			event_id text NOT NULL, event_type text NOT NULL, error text NOT NULL, stopped_at timestamptz NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.Exec(context.Background(), `INSERT INTO projections.stops VALUES ($1, 'placement', 2, 'e-2', 'placement.x.v1', $2, now())`,
		placements.Projection.Name, why); err != nil {
		t.Fatal(err)
	}
	watcher := projections.NewWatcher(h.DB, []projections.Projection{placements.Projection}, quiet)
	watch(t, watcher)
	// And a service that records the command at position 5
	nc := natstest.Start(t).Connect(t)
	ns := natstest.Namespace()
	sub, err := nc.Subscribe(command.Subject(ns, "placement", "register-school"), func(m *nats.Msg) {
		b, _ := json.Marshal(map[string]any{"streamId": "school-1", "version": 1, "position": 5})
		_ = m.Respond(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	log, lines := logged()
	srv := serveWith(t, &graph.Resolver{DB: h.DB, NATS: nc, Namespace: ns, Watcher: watcher, ReadWait: 300 * time.Millisecond, CommandTimeout: 5 * time.Second},
		gateway.DefaultLimits, log)

	// When a mutation waits to read its command back
	_, r := post(t, srv, token(t, office), `mutation { registerSchool(input: {name: "Kowloon True Light"}) { version query { me { id } } } }`)

	// Then it answers STALE naming the read model and how far behind it is
	want := "the command was recorded (school-1 version 1), but the read models have not shown it after 300ms (placements 4 events behind): read them again shortly"
	if code(r) != "STALE" || r.Errors[0].Message != want {
		t.Fatalf("want STALE %q, got %+v", want, r)
	}
	if behind, _ := r.Errors[0].Extensions["behind"].(map[string]any); behind["placements"] != 4.0 {
		t.Errorf("extensions.behind = %v", r.Errors[0].Extensions["behind"])
	}
	// And why it stopped is in the log only
	if strings.Contains(fmt.Sprint(r), "SQLSTATE") || !strings.Contains(lines.String(), "SQLSTATE 23502") {
		t.Fatalf("the stop's error must go to the log, not the caller: %+v; log %s", r, lines)
	}
}

// tokenUntil signs actor in with a token the gateway accepts until about
// in from now: its exp is 30 s earlier, the clock skew allowed.
func tokenUntil(t *testing.T, a events.Actor, in time.Duration) string {
	t.Helper()
	tok, err := auth.Mint(auth.DevelopmentKey, a, time.Hour, time.Now().Add(in-time.Hour-30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// wsMessage is a message of the graphql-ws protocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func TestGivenASubscriptionWhenItsTokenExpiresThenTheConnectionClosesSayingSo(t *testing.T) {
	t.Parallel()
	// Given a live round view, subscribed to on a connection whose token
	// is accepted for two seconds more
	h := openedRound(t)
	watcher := projections.NewWatcher(h.DB, []projections.Projection{placements.Projection}, quiet)
	watch(t, watcher)
	srv := serve(t, &graph.Resolver{DB: h.DB, Watcher: watcher}, gateway.DefaultLimits)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(m wsMessage) {
		t.Helper()
		if err := wsjson.Write(ctx, c, m); err != nil {
			t.Fatal(err)
		}
	}
	// next reads the next message but keep-alives.
	next := func() (wsMessage, error) {
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, c, &m); err != nil || m.Type != "ka" {
				return m, err
			}
		}
	}
	payload, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + tokenUntil(t, office, 2*time.Second)})
	send(wsMessage{Type: "connection_init", Payload: payload})
	if m, err := next(); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	query, _ := json.Marshal(map[string]any{"query": `subscription { placementRound(id: "r1") { name } }`})
	send(wsMessage{ID: "1", Type: "start", Payload: query})
	if m, err := next(); err != nil || m.Type != "data" || !strings.Contains(string(m.Payload), `"name":"2027"`) {
		t.Fatalf("first value: %+v %v", m, err)
	}

	// When the token expires, then the connection says so and closes
	m, err := next()
	if err != nil || m.Type != "connection_error" || !strings.Contains(string(m.Payload), "the token has expired: sign in again") {
		t.Fatalf("want connection_error, got %+v %v", m, err)
	}
	if m, err := next(); err == nil {
		t.Fatalf("the connection stays open: %+v", m)
	}
}

func TestGivenTheServersWriteTimeoutWhenASubscriptionOutlivesItThenItKeepsReceivingValues(t *testing.T) {
	t.Parallel()
	// Given a live round view behind the gateway's HTTP server, whose
	// responses must be written within half a second
	h := openedRound(t)
	watcher := projections.NewWatcher(h.DB, []projections.Projection{placements.Projection}, quiet)
	watch(t, watcher)
	limits := gateway.Limits{Timeout: 250 * time.Millisecond}
	v, err := auth.New(auth.Config{DevSigningKey: auth.DevelopmentKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	server := gateway.NewServer(gateway.Handler(&graph.Resolver{DB: h.DB, Watcher: watcher}, v, limits, quiet), limits)
	if server.WriteTimeout != 500*time.Millisecond {
		t.Fatalf("WriteTimeout %s", server.WriteTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(ln) }()
	t.Cleanup(func() { _ = server.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	next := func() wsMessage {
		t.Helper()
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, c, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type != "ka" {
				return m
			}
		}
	}
	payload, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + token(t, office)})
	query, _ := json.Marshal(map[string]any{"query": `subscription { placementRound(id: "r1") { offers { schoolId } } }`})
	for _, m := range []wsMessage{{Type: "connection_init", Payload: payload}, {ID: "1", Type: "start", Payload: query}} {
		if err := wsjson.Write(ctx, c, m); err != nil {
			t.Fatal(err)
		}
	}
	if m := next(); m.Type != "connection_ack" {
		t.Fatalf("init: %+v", m)
	}
	if m := next(); m.Type != "data" || !strings.Contains(string(m.Payload), `"offers":[]`) {
		t.Fatalf("first value: %+v", m)
	}

	// When a school offers places after twice the write timeout
	time.Sleep(time.Second)
	h.Record(t, "placement", "offer-r1-harbour", office, placement.PlacesOffered{RoundID: "r1", SchoolID: "harbour", Capacity: 2,
		Offers: []placement.OfferedPlaces{{Subject: "English", Places: 2}},
		School: placement.SchoolFacts{Name: "Harbour School", District: "Central", Level: placement.Secondary}})

	// Then the subscription still receives it
	if m := next(); m.Type != "data" || !strings.Contains(string(m.Payload), `"schoolId":"harbour"`) {
		t.Fatalf("after the write timeout: %+v", m)
	}
}

// introspectionQuery is graphql-js's getIntrospectionQuery(), which GraphiQL
// sends to draw its documentation: its type references nest deepest of any
// query the API is meant to answer.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

func TestGivenGraphiQLWhenItReadsTheSchemaThenTheLimitsLetItThrough(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	_, r := post(t, srv, "", introspectionQuery)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"schoolDashboard"`) {
		t.Fatalf("the GraphiQL page could not read the schema: %+v", r.Errors)
	}
}

func TestGivenAnArgumentHoldingNULWhenQueryingThenItIsNamedAsInvalid(t *testing.T) {
	t.Parallel()
	srv := serve(t, &graph.Resolver{}, gateway.DefaultLimits)
	_, r := post(t, srv, token(t, office), `{ schools(search: "Kowloon\u0000") { totalCount } }`)
	if code(r) != "VALIDATION" || r.Errors[0].Extensions["field"] != "search" || r.Errors[0].Extensions["rule"] != "text" {
		t.Fatalf("want VALIDATION on search (text), got %+v", r)
	}
}
