// Package gateway serves the GraphQL API of WSMS Placements: POST /graphql
// for queries and mutations, WebSocket on the same path for subscriptions,
// and a GraphiQL page at /. Every request acts for the person its bearer
// token names; queries read the read models, mutations send commands to the
// services over NATS.
package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/platform/errs"
)

// Limits bound what one request may ask for.
type Limits struct {
	// Depth is the deepest selection a query may nest.
	Depth int
	// Complexity is the most fields a query may select; lists are bounded
	// apart from it, by their page size.
	Complexity int
}

// DefaultLimits allow every view the API offers, with room, and nothing
// that walks the whole database.
var DefaultLimits = Limits{Depth: 12, Complexity: 5000}

// Handler serves the API with r's dependencies, verifying tokens with v.
func Handler(r *graph.Resolver, v *auth.Verifier, limits Limits, log *slog.Logger) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx, err := v.FromInitPayload(ctx, p)
			return ctx, nil, err
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(limits.Complexity))
	srv.Use(depthLimit{max: limits.Depth})
	srv.AroundRootFields(signedIn)
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error("resolver panicked", "panic", p)
		return errs.Newf(errs.Internal, "the request failed inside the gateway")
	})

	mux := http.NewServeMux()
	mux.Handle("/graphql", v.Middleware(srv))
	mux.Handle("GET /{$}", playground.Handler("WSMS Placements", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
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

// presenter turns every error into a GraphQL error whose extensions say its
// code, and for a broken rule the field and the rule. Internal failures
// keep their details in the log.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var e *errs.Error
		if !errors.As(err, &e) {
			if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
				return gerr // the GraphQL layer's own: parse, validation, complexity
			}
			log.Error("request failed", "err", err, "path", gerr.Path)
			e = errs.Newf(errs.Internal, "the request failed inside the gateway; try again")
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
