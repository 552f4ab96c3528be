// Package auth tells the GraphQL gateway who is calling. A caller proves it
// with a bearer token, a JWT: in production one signed by the university's
// identity provider and checked against the keys it publishes (a JSON Web Key
// Set), in development one signed with a shared key and minted by
// `wsms token`. Either way the token becomes the events.Actor that every
// command records, so a token must carry exactly what an Actor needs: sub,
// role and, for school staff, school.
//
// Every refusal is an *errs.Error with code UNAUTHENTICATED whose message says
// what is wrong with the token, so that whoever holds it can fix it; only a
// key set that cannot be fetched ends in another error, because then the
// token is not at fault.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"wsms/events"
	"wsms/platform/errs"
)

// DevelopmentKey is the signing key of development tokens when none is
// configured, shared by the gateway and `wsms token` so that a fresh checkout
// works without setup. Its name says where it must never be used.
const DevelopmentKey = "wsms-development-signing-key-not-for-production"

// clockSkew is how far the gateway's clock may differ from the token
// issuer's before exp and nbf are held against a token: an identity provider
// on another machine is never exactly in step.
const clockSkew = 30 * time.Second

// Config says which tokens the gateway trusts.
type Config struct {
	// DevSigningKey signs and checks HS256 tokens when JWKSURL is empty: for
	// development and tests, where no identity provider runs.
	DevSigningKey string
	// JWKSURL is where the identity provider publishes its public keys. When
	// set, only RS256 and ES256 tokens signed with one of them are accepted
	// and DevSigningKey is ignored, so a leaked development key opens nothing
	// in production.
	JWKSURL string
	// Issuer and Audience must match the token's iss and aud, so that a
	// token the provider issued to another application is refused: both are
	// required with a JWKS URL, optional with a development key.
	Issuer   string
	Audience string
	// Log receives what a refusal does not tell the caller, such as why the
	// key set could not be fetched; nil logs to slog.Default().
	Log *slog.Logger
}

// Verifier turns bearer tokens into actors. It is safe for concurrent use;
// one serves the whole gateway, so that the fetched key set is shared.
type Verifier struct {
	parser *jwt.Parser
	// methods are the signing algorithms accepted, named as in a JWT's alg.
	methods []string
	// key finds the key that checks a token's signature.
	key func(ctx context.Context, token *jwt.Token) (any, error)
	// issuer and audience are the iss and aud required, if any, kept to say
	// what a refused token should have named.
	issuer, audience string
	// log receives why the key set could not be fetched.
	log *slog.Logger
}

// New returns a Verifier for cfg. client fetches the key set when
// cfg.JWKSURL is set (nil: a plain http.Client; every fetch is bounded by
// the caller's context and a timeout of its own).
func New(cfg Config, client *http.Client) (*Verifier, error) {
	return newVerifier(cfg, client, time.Now)
}

// newVerifier is New with the clock that checks exp and nbf and paces the
// key set's refetches, so that tests can step it.
func newVerifier(cfg Config, client *http.Client, now func() time.Time) (*Verifier, error) {
	v := &Verifier{issuer: cfg.Issuer, audience: cfg.Audience, log: cfg.Log}
	if v.log == nil {
		v.log = slog.Default()
	}
	switch {
	case cfg.JWKSURL != "":
		u, err := url.Parse(cfg.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("auth: the JWKS URL %q is not an http or https URL", cfg.JWKSURL)
		}
		if cfg.Issuer == "" || cfg.Audience == "" {
			// A provider signs the tokens of every application it serves
			// with the same keys: without both checks, a token it issued
			// to any of them would sign in here.
			return nil, errors.New("auth: with a JWKS URL, set the token issuer and audience too: without them a token the identity provider issued to another application would be accepted")
		}
		if client == nil {
			client = &http.Client{}
		}
		keys := newKeySet(cfg.JWKSURL, client, now)
		v.methods = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}
		v.key = keys.verificationKey
	case cfg.DevSigningKey != "":
		secret := []byte(cfg.DevSigningKey)
		v.methods = []string{jwt.SigningMethodHS256.Alg()}
		v.key = func(context.Context, *jwt.Token) (any, error) { return secret, nil }
	default:
		return nil, errors.New("auth: configure a JWKS URL or a development signing key: with neither, no token could be checked")
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(now),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// claims are what a WSMS token says beyond the registered claims: the role
// its subject acts in and, for school staff, their school.
type claims struct {
	jwt.RegisteredClaims
	Role   string `json:"role,omitempty"`
	School string `json:"school,omitempty"`
}

// Verify checks token's signature, expiry, issuer and audience and returns
// the actor it speaks for. A token at fault ends in an *errs.Error with code
// UNAUTHENTICATED saying what is wrong; a key set that cannot be fetched ends
// in another error.
func (v *Verifier) Verify(ctx context.Context, token string) (events.Actor, error) {
	actor, _, err := v.verify(ctx, token)
	return actor, err
}

// verify is Verify also returning when the token stops being accepted: its
// exp plus the clock skew allowed, as the parser holds it.
func (v *Verifier) verify(ctx context.Context, token string) (events.Actor, time.Time, error) {
	var c claims
	parsed, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		return v.key(ctx, t)
	})
	if err != nil {
		return events.Actor{}, time.Time{}, v.refusal(parsed, &c, err)
	}
	actor := events.Actor{ID: c.Subject, Role: events.Role(c.Role), SchoolID: c.School}
	if p := checkActor(actor); p != nil {
		return events.Actor{}, time.Time{}, errs.Newf(errs.Unauthenticated, "%s", p.message)
	}
	if !actsForSchool(actor.Role) {
		// A school claim on another role is ignored rather than refused: an
		// identity provider may send it to everyone, and no rule reads it.
		actor.SchoolID = ""
	}
	// The parser requires exp, so ExpiresAt is set.
	return actor, c.ExpiresAt.Add(clockSkew), nil
}

// refusal says in the token holder's words why the parser refused token.
func (v *Verifier) refusal(token *jwt.Token, c *claims, err error) error {
	var refused *errs.Error
	var unavailable *keySetUnavailableError
	switch {
	case errors.As(err, &refused):
		return refused
	case errors.As(err, &unavailable):
		return fmt.Errorf("verify token: %w", unavailable)
	case errors.Is(err, jwt.ErrTokenMalformed):
		detail := strings.TrimPrefix(err.Error(), jwt.ErrTokenMalformed.Error()+": ")
		return errs.Newf(errs.Unauthenticated, "the token is malformed: %s", detail)
	case token != nil && token.Method != nil && !slices.Contains(v.methods, token.Method.Alg()):
		return errs.Newf(errs.Unauthenticated, "the token is signed with %s, but this API accepts only %s",
			token.Method.Alg(), strings.Join(v.methods, " or "))
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return errs.Newf(errs.Unauthenticated, "the token names no signing algorithm (alg) this API knows")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return errs.Newf(errs.Unauthenticated, "the token's signature does not match: it was not signed with a key this API trusts, or it was changed after signing")
	}
	// The signature holds from here on: what is left is the claims, and the
	// parser reports a missing one without saying which.
	missing := errors.Is(err, jwt.ErrTokenRequiredClaimMissing)
	switch {
	case missing && c.ExpiresAt == nil:
		return errs.Newf(errs.Unauthenticated, "the token has no expiry time (exp)")
	case errors.Is(err, jwt.ErrTokenExpired):
		return errs.Newf(errs.Unauthenticated, "the token has expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return errs.Newf(errs.Unauthenticated, "the token is not valid yet (nbf)")
	case missing && v.issuer != "" && c.Issuer == "":
		return errs.Newf(errs.Unauthenticated, "the token names no issuer (iss); it must be %q", v.issuer)
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return errs.Newf(errs.Unauthenticated, "the token's issuer %q is not %q", c.Issuer, v.issuer)
	case missing && v.audience != "" && len(c.Audience) == 0:
		return errs.Newf(errs.Unauthenticated, "the token names no audience (aud); it must include %q", v.audience)
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return errs.Newf(errs.Unauthenticated, "the token's audience %q does not include %q", []string(c.Audience), v.audience)
	}
	return errs.Newf(errs.Unauthenticated, "the token is refused: %v", err)
}

// actorProblem is why an actor cannot be named by a token: the claim at
// fault, the rule it breaks and what to tell whoever made the token.
type actorProblem struct {
	claim, rule, message string
}

// checkActor holds Verify and Mint to the same rules, so that a minted token
// always verifies.
func checkActor(a events.Actor) *actorProblem {
	switch {
	case a.ID == "":
		return &actorProblem{"sub", "required", "the token names no subject (sub)"}
	case a.Role == "":
		return &actorProblem{"role", "required", "the token names no role"}
	case a.Role == events.RoleSystem:
		return &actorProblem{"role", "not_system", "the role SYSTEM belongs to the system's own process managers; no token may carry it"}
	case !a.Role.Valid():
		names := make([]string, 0, len(tokenRoles()))
		for _, r := range tokenRoles() {
			names = append(names, string(r))
		}
		return &actorProblem{"role", "one_of", fmt.Sprintf("the token's role %q is not one of %s", a.Role, strings.Join(names, ", "))}
	case actsForSchool(a.Role) && a.SchoolID == "":
		return &actorProblem{"school", "required", fmt.Sprintf("a %s token must name a school", a.Role)}
	}
	return nil
}

// tokenRoles are the roles a person can sign in as: every role but SYSTEM.
func tokenRoles() []events.Role {
	return []events.Role{
		events.RoleOffice, events.RoleFaculty, events.RoleTutor,
		events.RoleSchoolCoordinator, events.RoleMentor, events.RoleStudentTeacher,
	}
}

// actsForSchool reports whether role is school staff, whose every action is
// on behalf of one school and so must name it.
func actsForSchool(role events.Role) bool {
	return role == events.RoleSchoolCoordinator || role == events.RoleMentor
}

// Mint signs a development token (HS256 with key) for actor, valid for ttl
// from now. It refuses an actor Verify would refuse, with an *errs.Error of
// code VALIDATION whose Field names the claim at fault ("sub", "role",
// "school") or "ttl" or "key".
func Mint(key string, actor events.Actor, ttl time.Duration, now time.Time) (string, error) {
	if key == "" {
		return "", errs.Invalid("key", "required", "the signing key is empty")
	}
	if p := checkActor(actor); p != nil {
		return "", errs.Invalid(p.claim, p.rule, "%s", p.message)
	}
	if ttl <= 0 {
		return "", errs.Invalid("ttl", "positive", "a token must live for a positive time, not %s", ttl)
	}
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   actor.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Role:   string(actor.Role),
		School: actor.SchoolID,
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(key))
	if err != nil {
		return "", fmt.Errorf("mint token for %s: %w", actor.ID, err)
	}
	return token, nil
}
