// Package gateway serves the GraphQL API of WSMS Placements: POST /graphql
// for queries and mutations, WebSocket on the same path for subscriptions,
// and a GraphiQL page at /. Every request acts for the person its bearer
// token names; queries read the read models, mutations send commands to the
// services over NATS.
package gateway

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/errs"
)

// Limits bound what one request may ask for and how long it may run, so
// that no request, signed in or not, can hold the gateway or the database
// for long. A zero field takes DefaultLimits' value: no limit is ever off.
type Limits struct {
	// Depth is the deepest selection a query may nest.
	Depth int
	// Complexity is the most a query may cost: one per field selected, and
	// a connection's fields once per item of the page it asks for (its
	// first, else the schema's default page size).
	Complexity int
	// RootFields is the most root fields, aliases included, one operation
	// may select: each is a query of its own.
	RootFields int
	// Tokens is the most lexical tokens the parser reads from one query,
	// so that a huge query is refused before it costs validation time.
	Tokens int
	// BodyBytes is the largest request body read.
	BodyBytes int64
	// Timeout bounds each query and mutation; subscriptions run until the
	// client leaves or its token expires.
	Timeout time.Duration
}

// DefaultLimits allow every view the API offers, with room, and nothing
// that walks the whole database. The costliest view, the round view with
// each registration's placement and explanation, costs about 1,400 with its
// default page of 50 registrations and 5,500 with the largest, of 200; the
// forum view about 900. Pages of pages are refused: 20 rounds of 200
// registrations of one field cost 12,000. The deepest query is GraphiQL's
// introspection of the schema, 13 levels.
var DefaultLimits = Limits{Depth: 15, Complexity: 10_000, RootFields: 10, Tokens: 5000, BodyBytes: 256 << 10, Timeout: 30 * time.Second}

// withDefaults is l with DefaultLimits' value in each zero field.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	l.Depth = cmp.Or(l.Depth, d.Depth)
	l.Complexity = cmp.Or(l.Complexity, d.Complexity)
	l.RootFields = cmp.Or(l.RootFields, d.RootFields)
	l.Tokens = cmp.Or(l.Tokens, d.Tokens)
	l.BodyBytes = cmp.Or(l.BodyBytes, d.BodyBytes)
	l.Timeout = cmp.Or(l.Timeout, d.Timeout)
	return l
}

// Handler serves the API with r's dependencies, verifying tokens with v.
func Handler(r *graph.Resolver, v *auth.Verifier, limits Limits, log *slog.Logger) http.Handler {
	limits = limits.withDefaults()
	schema, err := executableSchema(r)
	if err != nil {
		// The schema and the generated code disagree: no build of the
		// gateway that gets here can be served safely.
		panic(err)
	}
	srv := handler.New(schema)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx, err := v.FromInitPayload(ctx, p)
			if err != nil {
				return ctx, nil, err
			}
			return untilExpiry(ctx), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetParserTokenLimit(limits.Tokens)
	// Dashboards ask the same few queries again and again: each is parsed
	// and validated once.
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(rootFieldLimit(limits.RootFields))
	srv.Use(depthLimit(limits.Depth))
	srv.Use(extension.FixedComplexityLimit(limits.Complexity))
	srv.AroundOperations(operations(limits.Timeout, time.Now))
	srv.AroundRootFields(signedIn)
	srv.AroundFields(plainText)
	srv.SetErrorPresenter(presenter(limits.Timeout, log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error("resolver panicked", "panic", p)
		return errs.Newf(errs.Internal, "the request failed inside the gateway")
	})

	mux := http.NewServeMux()
	mux.Handle("/graphql", limitBody(limits.BodyBytes, v.Middleware(srv)))
	mux.Handle("GET /{$}", playground.Handler("WSMS Placements", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}

// NewServer returns the HTTP server for h, which serves the API with
// limits, beside whatever else the process serves. Its timeouts bound what
// a slow or idle client holds: the request's header and body must arrive
// within 10 and 30 seconds, a response be written within twice the
// operations' timeout, and an idle connection is closed after two minutes.
// A WebSocket connection is hijacked from the server, which clears these
// deadlines, so subscriptions live on however long they last.
func NewServer(h http.Handler, limits Limits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * limits.withDefaults().Timeout,
		IdleTimeout:       2 * time.Minute,
	}
}

// executableSchema is the API resolved by r, every connection costing its
// page size (see pageComplexity).
func executableSchema(r *graph.Resolver) (graphql.ExecutableSchema, error) {
	cfg := graph.Config{Resolvers: r}
	if err := pageComplexity(&cfg.Complexity, graph.NewExecutableSchema(cfg).Schema()); err != nil {
		return nil, err
	}
	return graph.NewExecutableSchema(cfg), nil
}

// untilExpiry returns the context of a WebSocket connection signed in by
// ctx's token, which ends when the token stops being accepted: the
// connection then closes, saying why, and its subscriptions end with it.
// A connection without a token has nothing to expire.
func untilExpiry(ctx context.Context) context.Context {
	until, ok := auth.Expiry(ctx)
	if !ok {
		return ctx
	}
	ctx = transport.AppendCloseReason(ctx, "the token has expired: sign in again")
	ctx, cancel := context.WithDeadline(ctx, until)
	// The connection's context ends when it closes or at the deadline;
	// either way nothing is left to release but the timer, which cancel
	// stops.
	context.AfterFunc(ctx, cancel)
	return ctx
}

// operations refuses an operation whose token has expired by now (one
// arriving on a WebSocket connection opened before), and bounds each query
// and mutation by timeout.
func operations(timeout time.Duration, now func() time.Time) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if err := auth.Unexpired(ctx, now()); err != nil {
			e := errs.As(err)
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message: e.Message, Extensions: map[string]any{"code": string(e.Code)},
			}}})
		}
		if graphql.GetOperationContext(ctx).Operation.Operation == ast.Subscription {
			return next(ctx)
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			res := responses(ctx)
			if res == nil || res.HasNext == nil || !*res.HasNext {
				cancel() // the last response: the resolvers are done
			}
			return res
		}
	}
}

// signedIn refuses every root field but introspection to a request without
// a signed-in viewer: the GraphiQL page may read the schema, nobody reads
// data anonymously.
func signedIn(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil || len(fc.Field.Name) > 1 && fc.Field.Name[:2] == "__" {
		return next(ctx)
	}
	if _, ok := auth.ActorFrom(ctx); !ok {
		graphql.AddError(ctx, errs.Newf(errs.Unauthenticated, "sign in: send a bearer token in the Authorization header"))
		return graphql.Null
	}
	return next(ctx)
}

// plainText refuses an argument holding the NUL character, which no read
// model or event store can hold, naming the argument, before any resolver
// runs a query with it.
func plainText(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		for name, v := range fc.Args {
			if path, ok := nulIn(v, name); ok {
				return nil, errs.Invalid(path, "text", "must not hold the NUL character")
			}
		}
	}
	return next(ctx)
}

// nulIn finds a string holding NUL in an argument's value.
func nulIn(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, strings.ContainsRune(v, 0)
	case *string:
		return path, v != nil && strings.ContainsRune(*v, 0)
	case map[string]any:
		for k, x := range v {
			if p, ok := nulIn(x, path+"."+k); ok {
				return p, true
			}
		}
	case []any:
		for i, x := range v {
			if p, ok := nulIn(x, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	}
	return "", false
}

// presenter turns every error into a GraphQL error whose extensions say its
// code, and for a broken rule the field and the rule. An internal failure's
// message names what the caller has no business knowing (subjects, SQL,
// hosts): it goes to the log, and the caller learns only that the request
// failed, or that it ran out of time.
func presenter(timeout time.Duration, log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var e *errs.Error
		if !errors.As(err, &e) {
			if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
				// The GraphQL layer's own (parse, validation, complexity), or
				// a resolver's that says what the caller may know (STALE) and
				// keeps its cause for the log.
				if gerr.Err != nil {
					log.Warn("request answered with "+fmt.Sprint(gerr.Extensions["code"]), "err", gerr.Err, "path", gerr.Path)
				}
				return gerr
			}
			e = &errs.Error{Code: errs.Internal}
		}
		if e.Code == errs.Internal {
			log.Error("request failed", "err", err, "path", gerr.Path)
			e = errs.Newf(errs.Internal, "the request failed inside the gateway; try again")
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
				e.Message = fmt.Sprintf("the request ran longer than %s and was stopped: ask for less at once", timeout)
			}
		}
		gerr.Message = e.Message
		gerr.Extensions = map[string]any{"code": string(e.Code)}
		if e.Field != "" {
			gerr.Message = e.Error()
			gerr.Extensions["field"] = e.Field
			gerr.Extensions["rule"] = e.Rule
		}
		return gerr
	}
}

// limitBody reads at most max bytes of a request's body, refusing a larger
// one with 413 before the GraphQL layer sees any of it, so that nobody,
// signed in or not, makes the gateway hold or parse megabytes.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			refuse(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
				fmt.Sprintf("the request body is larger than %d KiB: send a shorter query and fewer variables", max>>10))
			return
		case err != nil:
			refuse(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// refuse answers a request the GraphQL layer never sees with status and a
// body shaped as a GraphQL response, so that clients read it as any other
// error.
func refuse(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// An error writing the body means the client has gone.
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message": message, "extensions": map[string]string{"code": code},
	}}})
}
