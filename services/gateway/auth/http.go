package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"wsms/events"
	"wsms/platform/errs"
)

// actorKey is the context key of the caller's actor; a type of its own so
// that no other package can read or overwrite it by accident.
type actorKey struct{}

// WithActor returns ctx carrying actor as the caller: the resolvers read it
// with ActorFrom to put it on every command.
func WithActor(ctx context.Context, actor events.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the caller's actor, and false when the request carried
// no token, so that a resolver answers UNAUTHENTICATED itself and public
// queries stay possible.
func ActorFrom(ctx context.Context) (events.Actor, bool) {
	actor, ok := ctx.Value(actorKey{}).(events.Actor)
	return actor, ok
}

// Middleware puts the actor of the request's "Authorization: Bearer <token>"
// header in the request's context. A request without the header goes on with
// no actor: it may be a public query, or a WebSocket upgrade whose token
// arrives later in connection_init (see FromInitPayload). A header that is
// not a bearer token, or a token Verify refuses, is answered at once with 401,
// a GraphQL-shaped error body and WWW-Authenticate, so that a client with a
// bad token learns it before any resolver runs. When the identity provider's
// keys cannot be fetched the answer is 503: the token is not at fault.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers := r.Header.Values("Authorization")
		if len(headers) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if len(headers) > 1 {
			refuse(w, errs.Newf(errs.Unauthenticated, "the request carries %d Authorization headers; send one", len(headers)))
			return
		}
		token, ok := bearerToken(headers[0])
		if !ok {
			refuse(w, errs.Newf(errs.Unauthenticated, `the Authorization header must read "Bearer <token>"`))
			return
		}
		actor, err := v.Verify(r.Context(), token)
		if err != nil {
			refuse(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), actor)))
	})
}

// FromInitPayload reads the token of a GraphQL WebSocket connection from its
// connection_init payload, where browsers must put it because they cannot
// set headers on a WebSocket: payload["Authorization"] or
// payload["authorization"], either "Bearer <token>" or the bare token. It
// returns ctx with the token's actor, replacing any actor ctx held; ctx
// unchanged when the payload carries no token; and Verify's error, or an
// UNAUTHENTICATED one, when the token is refused.
func (v *Verifier) FromInitPayload(ctx context.Context, payload map[string]any) (context.Context, error) {
	raw, ok := payload["Authorization"]
	if !ok {
		raw, ok = payload["authorization"]
	}
	if !ok || raw == nil {
		return ctx, nil
	}
	value, isString := raw.(string)
	if !isString {
		return ctx, errs.Newf(errs.Unauthenticated, "the connection_init payload's Authorization must be a string")
	}
	token := strings.TrimSpace(value)
	if scheme, rest, _ := strings.Cut(token, " "); strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		return ctx, errs.Newf(errs.Unauthenticated, "the connection_init payload's Authorization holds no token")
	}
	actor, err := v.Verify(ctx, token)
	if err != nil {
		return ctx, err
	}
	return WithActor(ctx, actor), nil
}

// bearerToken returns the token of an Authorization header value, whose
// scheme is case-insensitive (RFC 9110 section 11.1).
func bearerToken(header string) (string, bool) {
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// graphQLResponse is the body of a refused request, shaped as a GraphQL
// response so that clients read it the way they read any other error.
type graphQLResponse struct {
	Errors []graphQLError `json:"errors"`
}

type graphQLError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

// refuse answers a request whose token was refused: 401 with
// WWW-Authenticate (RFC 6750) for a token at fault, 503 otherwise.
func refuse(w http.ResponseWriter, err error) {
	e := errs.As(err)
	status := http.StatusServiceUnavailable
	if e.Code == errs.Unauthenticated {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// An error writing the body means the client has gone; nothing is left
	// to tell it.
	_ = json.NewEncoder(w).Encode(graphQLResponse{Errors: []graphQLError{{
		Message:    e.Message,
		Extensions: map[string]string{"code": string(e.Code)},
	}}})
}
