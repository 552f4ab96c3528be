package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"wsms/events"
	"wsms/platform/errs"
)

// callerKey is the context key of the caller; a type of its own so that no
// other package can read or overwrite it by accident.
type callerKey struct{}

// caller is who a request acts for, and until when its token is accepted
// (zero when no token says: WithActor).
type caller struct {
	actor events.Actor
	until time.Time
}

// WithActor returns ctx carrying actor as the caller: the resolvers read it
// with ActorFrom to put it on every command. No token stands behind it, so
// it never expires: for tests and the system's own work.
func WithActor(ctx context.Context, actor events.Actor) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{actor: actor})
}

// withToken returns ctx carrying the actor of a verified token that is
// accepted until until.
func withToken(ctx context.Context, actor events.Actor, until time.Time) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{actor: actor, until: until})
}

// ActorFrom returns the caller's actor, and false when the request carried
// no token, so that a resolver answers UNAUTHENTICATED itself and public
// queries stay possible.
func ActorFrom(ctx context.Context) (events.Actor, bool) {
	c, ok := ctx.Value(callerKey{}).(caller)
	return c.actor, ok
}

// Expiry returns when the caller's token stops being accepted (its exp plus
// the clock skew allowed), and false when ctx carries no token. A WebSocket
// connection outlives the check of its token at connection_init: this is
// how long it may act on it.
func Expiry(ctx context.Context) (time.Time, bool) {
	c, ok := ctx.Value(callerKey{}).(caller)
	return c.until, ok && !c.until.IsZero()
}

// Unexpired refuses, with UNAUTHENTICATED, an operation whose token is no
// longer accepted at now: one arriving on a connection that outlived the
// token it was opened with. nil when the token is still accepted or ctx
// carries none.
func Unexpired(ctx context.Context, now time.Time) error {
	if until, ok := Expiry(ctx); ok && !now.Before(until) {
		return errs.Newf(errs.Unauthenticated, "the token has expired: sign in again")
	}
	return nil
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
			v.refuse(w, errs.Newf(errs.Unauthenticated, "the request carries %d Authorization headers; send one", len(headers)))
			return
		}
		token, ok := bearerToken(headers[0])
		if !ok {
			v.refuse(w, errs.Newf(errs.Unauthenticated, `the Authorization header must read "Bearer <token>"`))
			return
		}
		actor, until, err := v.verify(r.Context(), token)
		if err != nil {
			v.refuse(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(withToken(r.Context(), actor, until)))
	})
}

// FromInitPayload reads the token of a GraphQL WebSocket connection from its
// connection_init payload, where browsers must put it because they cannot
// set headers on a WebSocket: payload["Authorization"] or
// payload["authorization"], either "Bearer <token>" or the bare token. It
// returns ctx with the token's actor and expiry, replacing any ctx held; ctx
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
	actor, until, err := v.verify(ctx, token)
	if err != nil {
		return ctx, v.hide(err)
	}
	return withToken(ctx, actor, until), nil
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

// hide returns a refusal of the token as it is. Any other error means the
// token could not be checked for want of the identity provider's keys:
// where they are and why they could not be fetched are the operators'
// business, so it goes to the log and the caller learns only to try again.
func (v *Verifier) hide(err error) error {
	if errs.Is(err, errs.Unauthenticated) {
		return err
	}
	v.log.Error("verify token", "err", err)
	return errs.Newf(errs.Internal, "tokens cannot be checked at the moment: try again shortly")
}

// refuse answers a request whose token was refused: 401 with
// WWW-Authenticate (RFC 6750) for a token at fault, 503 otherwise.
func (v *Verifier) refuse(w http.ResponseWriter, err error) {
	e := errs.As(v.hide(err))
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
