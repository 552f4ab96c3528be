package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"wsms/events"
	"wsms/gateway/auth"
	"wsms/platform/errs"
)

const testKey = "a-signing-key-for-tests-only-0123456789"

// The issuer and audience of the tokens a test's identity provider issues.
const issuer, audience = "https://idp.example.ac.uk", "wsms"

var mentor = events.Actor{ID: "mentor-7", Role: events.RoleMentor, SchoolID: "sch-1"}

func devVerifier(t *testing.T, cfg auth.Config) *auth.Verifier {
	t.Helper()
	if cfg.DevSigningKey == "" {
		cfg.DevSigningKey = testKey
	}
	v, err := auth.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mint(t *testing.T, actor events.Actor) string {
	t.Helper()
	token, err := auth.Mint(testKey, actor, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// sign makes tokens Mint never would: other algorithms, keys and claims.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	token := jwt.NewWithClaims(method, claims)
	if kid != "" {
		token.Header["kid"] = kid
	}
	s, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validClaims are those of a token every check passes, for a test to spoil
// one at a time.
func validClaims() jwt.MapClaims {
	return jwt.MapClaims{"sub": "mentor-7", "role": "MENTOR", "school": "sch-1", "exp": time.Now().Add(time.Hour).Unix(),
		"iss": issuer, "aud": audience}
}

// wantRefusal fails unless err is UNAUTHENTICATED with exactly message.
func wantRefusal(t *testing.T, err error, message string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Unauthenticated || e.Message != message {
		t.Fatalf("err = %v, want UNAUTHENTICATED %q", err, message)
	}
}

func TestGivenAMintedTokenWhenVerifiedThenItNamesTheActorItWasMintedFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		actor, want events.Actor
	}{
		{"office", events.Actor{ID: "off-1", Role: events.RoleOffice}, events.Actor{ID: "off-1", Role: events.RoleOffice}},
		{"mentor", mentor, mentor},
		{"coordinator", events.Actor{ID: "co-1", Role: events.RoleSchoolCoordinator, SchoolID: "sch-2"}, events.Actor{ID: "co-1", Role: events.RoleSchoolCoordinator, SchoolID: "sch-2"}},
		{"a school on a role without one is dropped", events.Actor{ID: "st-1", Role: events.RoleStudentTeacher, SchoolID: "sch-1"}, events.Actor{ID: "st-1", Role: events.RoleStudentTeacher}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Given a development verifier and a token minted for the actor
			v := devVerifier(t, auth.Config{})
			token := mint(t, tc.actor)
			// When the token is verified
			got, err := v.Verify(t.Context(), token)
			// Then it names the actor
			if err != nil || got != tc.want {
				t.Fatalf("Verify = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestGivenAnExpiredTokenWhenVerifiedThenItIsRefusedAsExpired(t *testing.T) {
	t.Parallel()
	// Given a token that lived for an hour, two hours ago
	v := devVerifier(t, auth.Config{})
	token, err := auth.Mint(testKey, mentor, time.Hour, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// When it is verified
	_, err = v.Verify(t.Context(), token)
	// Then it is refused as expired
	wantRefusal(t, err, "the token has expired")
}

func TestGivenATokenJustPastItsExpiryWhenVerifiedThenClockSkewIsAllowedForAWhile(t *testing.T) {
	t.Parallel()
	// Given a token that expires at exp, and a verifier whose clock we set
	exp := time.Now().Truncate(time.Second)
	token, err := auth.Mint(testKey, mentor, time.Hour, exp.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var now atomic.Pointer[time.Time]
	v, err := auth.NewWithClock(auth.Config{DevSigningKey: testKey}, nil, func() time.Time { return *now.Load() })
	if err != nil {
		t.Fatal(err)
	}
	// When it is verified ten seconds late, then it passes
	late := exp.Add(10 * time.Second)
	now.Store(&late)
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Fatalf("ten seconds late: %v", err)
	}
	// When it is verified a minute late, then it has expired
	later := exp.Add(time.Minute)
	now.Store(&later)
	_, err = v.Verify(t.Context(), token)
	wantRefusal(t, err, "the token has expired")
}

func TestGivenATokenSignedWithAnotherKeyWhenVerifiedThenItsSignatureIsRefused(t *testing.T) {
	t.Parallel()
	// Given a token signed with another key
	v := devVerifier(t, auth.Config{})
	token, err := auth.Mint("someone-elses-key", mentor, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// When it is verified
	_, err = v.Verify(t.Context(), token)
	// Then its signature is refused
	wantRefusal(t, err, "the token's signature does not match: it was not signed with a key this API trusts, or it was changed after signing")
}

func TestGivenATokenWithABadClaimWhenVerifiedThenTheRefusalSaysWhichClaimAndWhy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(jwt.MapClaims)
		want  string
	}{
		{"no subject", func(c jwt.MapClaims) { delete(c, "sub") }, "the token names no subject (sub)"},
		{"no role", func(c jwt.MapClaims) { delete(c, "role") }, "the token names no role"},
		{"unknown role", func(c jwt.MapClaims) { c["role"] = "HEADTEACHER" },
			`the token's role "HEADTEACHER" is not one of OFFICE, FACULTY, TUTOR, SCHOOL_COORDINATOR, MENTOR, STUDENT_TEACHER`},
		{"lower-case role", func(c jwt.MapClaims) { c["role"] = "mentor" },
			`the token's role "mentor" is not one of OFFICE, FACULTY, TUTOR, SCHOOL_COORDINATOR, MENTOR, STUDENT_TEACHER`},
		{"system", func(c jwt.MapClaims) { c["role"] = "SYSTEM" },
			"the role SYSTEM belongs to the system's own process managers; no token may carry it"},
		{"mentor without school", func(c jwt.MapClaims) { delete(c, "school") }, "a MENTOR token must name a school"},
		{"coordinator without school", func(c jwt.MapClaims) { c["role"] = "SCHOOL_COORDINATOR"; delete(c, "school") },
			"a SCHOOL_COORDINATOR token must name a school"},
		{"no expiry", func(c jwt.MapClaims) { delete(c, "exp") }, "the token has no expiry time (exp)"},
		{"not valid yet", func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() }, "the token is not valid yet (nbf)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Given a validly signed token with one bad claim
			v := devVerifier(t, auth.Config{})
			claims := validClaims()
			tc.spoil(claims)
			token := sign(t, jwt.SigningMethodHS256, []byte(testKey), "", claims)
			// When it is verified
			_, err := v.Verify(t.Context(), token)
			// Then it is refused, saying what is wrong
			wantRefusal(t, err, tc.want)
		})
	}
}

func TestGivenSomethingThatIsNotAJWTWhenVerifiedThenItIsRefusedAsMalformed(t *testing.T) {
	t.Parallel()
	claims := validClaims()
	claims["role"] = 7
	for name, token := range map[string]string{
		"empty":                   "",
		"one part":                "not-a-token",
		"three parts of junk":     "a.b.c",
		"a role that is a number": sign(t, jwt.SigningMethodHS256, []byte(testKey), "", claims),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Given a development verifier, when the junk is verified
			_, err := devVerifier(t, auth.Config{}).Verify(t.Context(), token)
			// Then it is refused as malformed
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Unauthenticated || !strings.HasPrefix(e.Message, "the token is malformed: ") {
				t.Fatalf("err = %v, want UNAUTHENTICATED malformed", err)
			}
		})
	}
}

func TestGivenADevelopmentVerifierWhenATokenUsesAnotherAlgorithmThenItIsRefused(t *testing.T) {
	t.Parallel()
	rsaKey := rsaKey(t)
	for _, tc := range []struct {
		name  string
		token string
		want  string
	}{
		{"none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", validClaims()),
			"the token is signed with none, but this API accepts only HS256"},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, "k1", validClaims()),
			"the token is signed with RS256, but this API accepts only HS256"},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, []byte(testKey), "", validClaims()),
			"the token is signed with HS512, but this API accepts only HS256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Given a development verifier, when a token of another algorithm is verified
			_, err := devVerifier(t, auth.Config{}).Verify(t.Context(), tc.token)
			// Then it is refused, naming the algorithm
			wantRefusal(t, err, tc.want)
		})
	}
}

func TestGivenAnIssuerAndAudienceWhenATokenNamesOthersThenItIsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(jwt.MapClaims)
		want  string
	}{
		{"both right", func(jwt.MapClaims) {}, ""},
		{"audience among several", func(c jwt.MapClaims) { c["aud"] = []string{"library", audience} }, ""},
		{"another issuer", func(c jwt.MapClaims) { c["iss"] = "https://elsewhere.example" },
			`the token's issuer "https://elsewhere.example" is not "https://idp.example.ac.uk"`},
		{"no issuer", func(c jwt.MapClaims) { delete(c, "iss") }, `the token names no issuer (iss); it must be "https://idp.example.ac.uk"`},
		{"another audience", func(c jwt.MapClaims) { c["aud"] = "library" }, `the token's audience ["library"] does not include "wsms"`},
		{"no audience", func(c jwt.MapClaims) { delete(c, "aud") }, `the token names no audience (aud); it must include "wsms"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Given a verifier that requires an issuer and audience
			v := devVerifier(t, auth.Config{Issuer: issuer, Audience: audience})
			claims := validClaims()
			tc.spoil(claims)
			// When a token is verified
			_, err := v.Verify(t.Context(), sign(t, jwt.SigningMethodHS256, []byte(testKey), "", claims))
			// Then it passes only with both right
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRefusal(t, err, tc.want)
		})
	}
}

func TestGivenAnActorNoTokenMayNameWhenMintedThenTheFieldAtFaultIsNamed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		key                 string
		actor               events.Actor
		ttl                 time.Duration
		wantField, wantRule string
	}{
		{"no key", "", mentor, time.Hour, "key", "required"},
		{"no subject", testKey, events.Actor{Role: events.RoleOffice}, time.Hour, "sub", "required"},
		{"system", testKey, events.Actor{ID: "pm", Role: events.RoleSystem}, time.Hour, "role", "not_system"},
		{"unknown role", testKey, events.Actor{ID: "x", Role: "JANITOR"}, time.Hour, "role", "one_of"},
		{"mentor without school", testKey, events.Actor{ID: "m", Role: events.RoleMentor}, time.Hour, "school", "required"},
		{"no lifetime", testKey, mentor, 0, "ttl", "positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When a token is minted for what no token may name
			_, err := auth.Mint(tc.key, tc.actor, tc.ttl, time.Now())
			// Then Mint refuses, naming the field and rule
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Validation || e.Field != tc.wantField || e.Rule != tc.wantRule {
				t.Fatalf("err = %#v, want %s/%s", e, tc.wantField, tc.wantRule)
			}
		})
	}
}

func TestGivenNoWayToCheckTokensWhenAVerifierIsMadeThenItIsRefused(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]auth.Config{
		"nothing":   {},
		"not a URL": {JWKSURL: "::", Issuer: issuer, Audience: audience},
		"not http":  {JWKSURL: "ftp://idp.example/keys", Issuer: issuer, Audience: audience},
		"no host":   {JWKSURL: "https:///keys", Issuer: issuer, Audience: audience},
		// A provider's keys sign the tokens of every application it serves.
		"a key set without issuer":   {JWKSURL: "https://idp.example/keys", Audience: audience},
		"a key set without audience": {JWKSURL: "https://idp.example/keys", Issuer: issuer},
	} {
		if _, err := auth.New(cfg, nil); err == nil {
			t.Errorf("%s: New(%+v) succeeded", name, cfg)
		}
	}
}

// keyServer is an identity provider's key set endpoint whose keys a test
// changes, counting how often it is asked.
type keyServer struct {
	*httptest.Server
	fetches atomic.Int64
	mu      sync.Mutex
	keys    []map[string]any
	status  int
}

func newKeyServer(t *testing.T, keys ...map[string]any) *keyServer {
	t.Helper()
	s := &keyServer{keys: keys, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.status != http.StatusOK {
			http.Error(w, "down for maintenance", s.status)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": s.keys})
	}))
	t.Cleanup(s.Close)
	return s
}

// publish replaces the key set, as a provider rotating its keys does.
func (s *keyServer) publish(keys ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

// setStatus makes the endpoint fail with status, or serve the keys again
// with 200.
func (s *keyServer) setStatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

func (s *keyServer) verifier(t *testing.T, now func() time.Time) *auth.Verifier {
	t.Helper()
	v, err := auth.NewWithClock(auth.Config{JWKSURL: s.URL, Issuer: issuer, Audience: audience, DevSigningKey: auth.DevelopmentKey,
		Log: slog.New(slog.DiscardHandler)}, s.Client(), now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(t *testing.T, kid string, k *ecdsa.PublicKey) map[string]any {
	t.Helper()
	point, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"kty": "EC", "kid": kid, "crv": "P-256", "x": b64(point[1:33]), "y": b64(point[33:])}
}

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestGivenAKeySetWithRSAAndECKeysWhenTokensSignedWithEitherAreVerifiedThenBothPass(t *testing.T) {
	t.Parallel()
	// Given a provider publishing an RSA key, an EC key and a key of a kind
	// the gateway does not use
	rsaPriv, ecPriv := rsaKey(t), ecKey(t)
	server := newKeyServer(t,
		map[string]any{"kty": "oct", "kid": "shared", "k": b64([]byte("secret"))},
		rsaJWK("rsa-1", &rsaPriv.PublicKey),
		ecJWK(t, "ec-1", &ecPriv.PublicKey))
	v := server.verifier(t, time.Now)
	// When tokens signed with each are verified
	for _, token := range []string{
		sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa-1", validClaims()),
		sign(t, jwt.SigningMethodES256, ecPriv, "ec-1", validClaims()),
	} {
		got, err := v.Verify(t.Context(), token)
		// Then both name the actor
		if err != nil || got != mentor {
			t.Fatalf("Verify = %+v, %v", got, err)
		}
	}
	// And the key set was fetched once
	if n := server.fetches.Load(); n != 1 {
		t.Fatalf("fetched %d times, want 1", n)
	}
}

func TestGivenAKeySetWhenATokenIsNotSignedByOneOfItsKeysAsItsHeaderSaysThenItIsRefused(t *testing.T) {
	t.Parallel()
	rsaPriv, ecPriv := rsaKey(t), ecKey(t)
	rsaPub := rsaJWK("rsa-1", &rsaPriv.PublicKey)
	server := newKeyServer(t, rsaPub, ecJWK(t, "ec-1", &ecPriv.PublicKey))
	v := server.verifier(t, time.Now)
	for _, tc := range []struct {
		name  string
		token string
		want  string
	}{
		{"HS256 with the development key", sign(t, jwt.SigningMethodHS256, []byte(auth.DevelopmentKey), "rsa-1", validClaims()),
			"the token is signed with HS256, but this API accepts only RS256 or ES256"},
		{"HS256 with the public key as secret", sign(t, jwt.SigningMethodHS256, []byte(rsaPub["n"].(string)), "rsa-1", validClaims()),
			"the token is signed with HS256, but this API accepts only RS256 or ES256"},
		{"no kid", sign(t, jwt.SigningMethodRS256, rsaPriv, "", validClaims()), "the token names no signing key (kid)"},
		{"the kid of a key of another type", sign(t, jwt.SigningMethodRS256, rsaPriv, "ec-1", validClaims()),
			`the token is signed with RS256, but its key "ec-1" is for ES256`},
		{"another RSA key", sign(t, jwt.SigningMethodRS256, rsaKey(t), "rsa-1", validClaims()),
			"the token's signature does not match: it was not signed with a key this API trusts, or it was changed after signing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When the token is verified
			_, err := v.Verify(t.Context(), tc.token)
			// Then it is refused, saying why
			wantRefusal(t, err, tc.want)
		})
	}
}

func TestGivenTheProviderRotatesItsKeysWhenATokenNamesTheNewKeyThenItVerifiesAfterOneRefetchAtMostEveryInterval(t *testing.T) {
	t.Parallel()
	// Given a provider publishing its January key, and a verifier that has
	// fetched it
	clock := &testClock{now: time.Now()}
	january, february, march := ecKey(t), ecKey(t), ecKey(t)
	server := newKeyServer(t, ecJWK(t, "2026-01", &january.PublicKey))
	v := server.verifier(t, clock.Now)
	januaryToken := sign(t, jwt.SigningMethodES256, january, "2026-01", validClaims())
	februaryToken := sign(t, jwt.SigningMethodES256, february, "2026-02", validClaims())
	if _, err := v.Verify(t.Context(), januaryToken); err != nil {
		t.Fatal(err)
	}
	wantFetches := func(want int64) {
		t.Helper()
		if n := server.fetches.Load(); n != want {
			t.Fatalf("fetched %d times, want %d", n, want)
		}
	}
	wantFetches(1)

	// When the provider replaces it with February's and tokens naming the new
	// key arrive within the refetch interval
	server.publish(ecJWK(t, "2026-02", &february.PublicKey))
	for range 5 {
		clock.Advance(auth.RefetchInterval / 6)
		_, err := v.Verify(t.Context(), februaryToken)
		// Then they are refused without asking the provider again
		wantRefusal(t, err, `the token is signed with key "2026-02", which is not among the identity provider's keys`)
	}
	wantFetches(1)

	// When the interval has passed since the last fetch
	clock.Advance(auth.RefetchInterval)
	// Then the next such token makes one fetch and verifies
	if got, err := v.Verify(t.Context(), februaryToken); err != nil || got != mentor {
		t.Fatalf("after the interval: %+v, %v", got, err)
	}
	wantFetches(2)
	// And the withdrawn January key no longer verifies, nor does any made-up
	// key make another fetch
	_, err := v.Verify(t.Context(), januaryToken)
	wantRefusal(t, err, `the token is signed with key "2026-01", which is not among the identity provider's keys`)
	for _, kid := range []string{"a", "b", "c", "d"} {
		_, err := v.Verify(t.Context(), sign(t, jwt.SigningMethodES256, march, kid, validClaims()))
		wantRefusal(t, err, `the token is signed with key "`+kid+`", which is not among the identity provider's keys`)
	}
	wantFetches(2)

	// When March's key is published and many requests bearing it arrive at
	// once after the interval
	server.publish(ecJWK(t, "2026-02", &february.PublicKey), ecJWK(t, "2026-03", &march.PublicKey))
	clock.Advance(auth.RefetchInterval)
	marchToken := sign(t, jwt.SigningMethodES256, march, "2026-03", validClaims())
	var wg sync.WaitGroup
	failures := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := v.Verify(t.Context(), marchToken); err != nil {
				failures <- err
			}
		})
	}
	wg.Wait()
	close(failures)
	// Then all verify after one fetch between them
	for err := range failures {
		t.Error(err)
	}
	wantFetches(3)
}

func TestGivenTheKeySetCannotBeFetchedWhenATokenIsVerifiedThenTheTokenIsNotBlamed(t *testing.T) {
	t.Parallel()
	// Given a provider whose key set endpoint fails
	clock := &testClock{now: time.Now()}
	key := ecKey(t)
	server := newKeyServer(t, ecJWK(t, "k", &key.PublicKey))
	server.setStatus(http.StatusInternalServerError)
	v := server.verifier(t, clock.Now)
	token := sign(t, jwt.SigningMethodES256, key, "k", validClaims())

	// When a token is verified, twice within the refetch interval
	for range 2 {
		_, err := v.Verify(t.Context(), token)
		// Then the error is not UNAUTHENTICATED and says what failed
		if err == nil || errs.Is(err, errs.Unauthenticated) || !strings.Contains(err.Error(), "500 Internal Server Error") {
			t.Fatalf("err = %v", err)
		}
		clock.Advance(time.Second)
	}
	// And the provider was asked once
	if n := server.fetches.Load(); n != 1 {
		t.Fatalf("fetched %d times, want 1", n)
	}
	// And the middleware answers 503, not 401, without naming the provider
	// or what failed: that is for the operators' log
	rec := serve(t, v, "Bearer "+token, nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("status %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	const unavailable = `{"errors":[{"message":"tokens cannot be checked at the moment: try again shortly","extensions":{"code":"INTERNAL"}}]}`
	if body := strings.TrimSpace(rec.Body.String()); body != unavailable {
		t.Errorf("body %s, want %s", body, unavailable)
	}
	// And so does a WebSocket connection's init
	if _, err := v.FromInitPayload(t.Context(), map[string]any{"Authorization": token}); err == nil || err.Error() != "tokens cannot be checked at the moment: try again shortly" {
		t.Errorf("FromInitPayload: %v", err)
	}

	// When the provider recovers and the interval passes
	server.setStatus(http.StatusOK)
	clock.Advance(auth.RefetchInterval)
	// Then the token verifies
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Fatal(err)
	}
}

// serve sends a request with the Authorization header (none if empty) through
// the middleware to a handler that records the actor it sees.
func serve(t *testing.T, v *auth.Verifier, authorization string, seen func(events.Actor, bool)) *httptest.ResponseRecorder {
	t.Helper()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := auth.ActorFrom(r.Context())
		if seen == nil {
			t.Error("the next handler ran")
			return
		}
		seen(actor, ok)
	})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { id } }"}`))
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	v.Middleware(next).ServeHTTP(rec, req)
	return rec
}

func TestGivenNoAuthorizationHeaderWhenARequestArrivesThenItGoesOnWithNoActor(t *testing.T) {
	t.Parallel()
	v := devVerifier(t, auth.Config{})
	for name, upgrade := range map[string]bool{"plain request": false, "WebSocket upgrade": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Given a request with no Authorization header
			req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
			if upgrade {
				req.Header.Set("Connection", "Upgrade")
				req.Header.Set("Upgrade", "websocket")
			}
			// When it passes the middleware
			var ran, hasActor bool
			v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ran = true
				_, hasActor = auth.ActorFrom(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), req)
			// Then the next handler runs and sees no actor
			if !ran || hasActor {
				t.Fatalf("ran %v, actor %v", ran, hasActor)
			}
		})
	}
}

func TestGivenABadTokenWhenARequestArrivesThenItIsAnswered401WithAGraphQLError(t *testing.T) {
	t.Parallel()
	v := devVerifier(t, auth.Config{})
	expired, err := auth.Mint(testKey, mentor, time.Hour, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, authorization, want string
	}{
		{"expired", "Bearer " + expired, "the token has expired"},
		{"junk", "Bearer junk", "the token is malformed: token contains an invalid number of segments"},
		{"another scheme", "Basic bWVudG9yOnB3", `the Authorization header must read "Bearer <token>"`},
		{"no token", "Bearer ", `the Authorization header must read "Bearer <token>"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When a request with the bad header passes the middleware
			rec := serve(t, v, tc.authorization, nil)
			// Then it is answered 401 with a GraphQL error and a challenge
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d", rec.Code)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer error="invalid_token"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
			var body struct {
				Errors []struct {
					Message    string            `json:"message"`
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%v in %s", err, rec.Body)
			}
			if len(body.Errors) != 1 || body.Errors[0].Message != tc.want || body.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
				t.Fatalf("body %s", rec.Body)
			}
		})
	}
}

func TestGivenAGoodTokenWhenARequestArrivesThenTheNextHandlerSeesItsActor(t *testing.T) {
	t.Parallel()
	// Given a request bearing a mentor's token
	v := devVerifier(t, auth.Config{})
	token := mint(t, mentor)
	for _, header := range []string{"Bearer " + token, "bearer " + token} {
		// When it passes the middleware
		var got events.Actor
		var ok bool
		rec := serve(t, v, header, func(a events.Actor, found bool) { got, ok = a, found })
		// Then the next handler sees the mentor
		if rec.Code != http.StatusOK || !ok || got != mentor {
			t.Fatalf("%q: status %d, actor %+v %v", header[:7], rec.Code, got, ok)
		}
	}
}

func TestGivenAConnectionInitPayloadWhenReadThenItsTokenBecomesTheActor(t *testing.T) {
	t.Parallel()
	v := devVerifier(t, auth.Config{})
	token := mint(t, mentor)
	for _, tc := range []struct {
		name      string
		payload   map[string]any
		wantActor bool
		wantErr   string
	}{
		{"Authorization with Bearer", map[string]any{"Authorization": "Bearer " + token}, true, ""},
		{"authorization, bare token", map[string]any{"authorization": token}, true, ""},
		{"no token", map[string]any{"locale": "en-GB"}, false, ""},
		{"no payload", nil, false, ""},
		{"bad token", map[string]any{"Authorization": "Bearer junk"}, false, "the token is malformed: token contains an invalid number of segments"},
		{"not a string", map[string]any{"Authorization": 42.0}, false, "the connection_init payload's Authorization must be a string"},
		{"empty", map[string]any{"Authorization": "Bearer "}, false, "the connection_init payload's Authorization holds no token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// When the payload is read
			ctx, err := v.FromInitPayload(context.Background(), tc.payload)
			// Then the context has the actor, or the error says what is wrong
			if tc.wantErr != "" {
				wantRefusal(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := auth.ActorFrom(ctx)
			if ok != tc.wantActor || (ok && got != mentor) {
				t.Fatalf("actor %+v %v", got, ok)
			}
		})
	}
}

func TestGivenAVerifiedTokenWhenItsExpiryPassesThenTheRequestContextSaysItHasExpired(t *testing.T) {
	t.Parallel()
	// Given a token expiring in an hour, let through by the middleware
	v := devVerifier(t, auth.Config{})
	now := time.Now().Truncate(time.Second)
	token, err := auth.Mint(testKey, mentor, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	var ctx context.Context
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	v.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { ctx = r.Context() })).ServeHTTP(httptest.NewRecorder(), req)

	// Then its context holds when the token stops being accepted: its exp
	// and the clock skew allowed, as Verify holds it
	until, ok := auth.Expiry(ctx)
	if want := now.Add(time.Hour + 30*time.Second); !ok || !until.Equal(want) {
		t.Fatalf("Expiry = %s %v, want %s", until, ok, want)
	}
	// And the token is accepted up to then, and refused from then on
	if err := auth.Unexpired(ctx, until.Add(-time.Second)); err != nil {
		t.Fatalf("a second before: %v", err)
	}
	wantRefusal(t, auth.Unexpired(ctx, until), "the token has expired: sign in again")

	// And an actor no token stands behind never expires
	plain := auth.WithActor(context.Background(), mentor)
	if _, ok := auth.Expiry(plain); ok {
		t.Fatal("WithActor has an expiry")
	}
	if err := auth.Unexpired(plain, now.Add(1000*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestGivenAConnectionInitPayloadWhenReadThenItsContextKeepsTheTokensExpiry(t *testing.T) {
	t.Parallel()
	v := devVerifier(t, auth.Config{})
	now := time.Now().Truncate(time.Second)
	token, err := auth.Mint(testKey, mentor, time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := v.FromInitPayload(context.Background(), map[string]any{"Authorization": token})
	if err != nil {
		t.Fatal(err)
	}
	if until, ok := auth.Expiry(ctx); !ok || !until.Equal(now.Add(time.Minute+30*time.Second)) {
		t.Fatalf("Expiry = %s %v", until, ok)
	}
}
