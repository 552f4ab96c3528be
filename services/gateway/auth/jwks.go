package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"wsms/platform/errs"
)

// refetchInterval bounds how often tokens naming an unknown key make the
// gateway fetch the key set again: a provider's new key is picked up within
// it, and a flood of tokens naming made-up keys costs the provider at most one
// request per interval.
const refetchInterval = 30 * time.Second

// fetchTimeout bounds one fetch of the key set however long the caller's
// context would wait, so that a slow provider holds up requests for no more.
const fetchTimeout = 10 * time.Second

// maxKeySetBytes bounds the key set read; a real one is a few kilobytes.
const maxKeySetBytes = 1 << 20

// minRSABits is the smallest RSA modulus trusted; smaller keys can be broken.
const minRSABits = 2048

// keySet is the identity provider's signing keys, fetched when a token names
// a key not yet known and kept until the next fetch replaces them all, so
// that a key the provider withdraws stops working at the next rotation.
type keySet struct {
	url    string
	client *http.Client
	now    func() time.Time

	// fetching holds a token while a fetch runs: one fetch at a time, and a
	// caller waiting for it can still give up when its context ends.
	fetching chan struct{}
	// lastFetch and lastErr are guarded by fetching: when the key set was
	// last asked for, and why that failed if it did.
	lastFetch time.Time
	lastErr   error

	mu   sync.RWMutex
	keys map[string]publicKey
}

// publicKey is a key of the set with the one algorithm it checks.
type publicKey struct {
	alg string
	key crypto.PublicKey
}

// keySetUnavailableError says that the key set could not be fetched: not the
// token's fault, so not an UNAUTHENTICATED refusal.
type keySetUnavailableError struct {
	err error
}

func (e *keySetUnavailableError) Error() string {
	return "the identity provider's signing keys are unavailable: " + e.err.Error()
}

func (e *keySetUnavailableError) Unwrap() error { return e.err }

func newKeySet(url string, client *http.Client, now func() time.Time) *keySet {
	return &keySet{url: url, client: client, now: now, fetching: make(chan struct{}, 1)}
}

// verificationKey is the jwt.Keyfunc of a Verifier checking against the key
// set: the key the token names by kid, fetching the set again if it is not
// known yet.
func (s *keySet) verificationKey(ctx context.Context, token *jwt.Token) (any, error) {
	kid, _ := token.Header["kid"].(string)
	if kid == "" {
		return nil, errs.Newf(errs.Unauthenticated, "the token names no signing key (kid)")
	}
	k, ok := s.lookup(kid)
	if !ok {
		var err error
		if k, ok, err = s.refetch(ctx, kid); err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.Newf(errs.Unauthenticated, "the token is signed with key %q, which is not among the identity provider's keys", kid)
		}
	}
	if alg := token.Method.Alg(); alg != k.alg {
		return nil, errs.Newf(errs.Unauthenticated, "the token is signed with %s, but its key %q is for %s", alg, kid, k.alg)
	}
	return k.key, nil
}

func (s *keySet) lookup(kid string) (publicKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[kid]
	return k, ok
}

// refetch fetches the key set again, unless that was done less than
// refetchInterval ago, and looks kid up in it.
func (s *keySet) refetch(ctx context.Context, kid string) (publicKey, bool, error) {
	select {
	case s.fetching <- struct{}{}:
	case <-ctx.Done():
		return publicKey{}, false, &keySetUnavailableError{fmt.Errorf("wait for the key set from %s: %w", s.url, ctx.Err())}
	}
	defer func() { <-s.fetching }()

	// Another caller may have fetched the key while this one waited.
	if k, ok := s.lookup(kid); ok {
		return k, true, nil
	}
	now := s.now()
	if !s.lastFetch.IsZero() && now.Sub(s.lastFetch) < refetchInterval {
		if s.lastErr != nil {
			return publicKey{}, false, &keySetUnavailableError{s.lastErr}
		}
		return publicKey{}, false, nil
	}
	keys, err := s.fetch(ctx)
	if err != nil {
		if ctx.Err() == nil {
			// Only a failure of the provider's counts against the interval: a
			// caller giving up says nothing about it.
			s.lastFetch, s.lastErr = now, err
		}
		return publicKey{}, false, &keySetUnavailableError{err}
	}
	s.lastFetch, s.lastErr = now, nil
	s.mu.Lock()
	s.keys = keys
	s.mu.Unlock()
	k, ok := keys[kid]
	return k, ok, nil
}

// fetch reads the key set, keeping the keys that can check RS256 or ES256
// signatures and skipping any other, so that one key of a kind the gateway
// does not use leaves the rest usable.
func (s *keySet) fetch(ctx context.Context) (map[string]publicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch key set: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch key set: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch key set from %s: %s", s.url, resp.Status)
	}
	var set struct {
		Keys []jsonWebKey `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxKeySetBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode key set from %s: %w", s.url, err)
	}
	keys := make(map[string]publicKey, len(set.Keys))
	for _, jwk := range set.Keys {
		if k, ok := jwk.publicKey(); ok && jwk.Kid != "" {
			keys[jwk.Kid] = k
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("the key set from %s holds no RS256 or ES256 signing key with a kid", s.url)
	}
	return keys, nil
}

// jsonWebKey is one key of a JSON Web Key Set (RFC 7517), with the members
// of RSA and EC public keys (RFC 7518 section 6).
type jsonWebKey struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// publicKey returns the key if it is an RSA key of at least minRSABits or a
// P-256 key, for signatures, with no alg or the one its type implies.
func (k jsonWebKey) publicKey() (publicKey, bool) {
	if k.Use != "" && k.Use != "sig" {
		return publicKey{}, false
	}
	switch k.Kty {
	case "RSA":
		alg := jwt.SigningMethodRS256.Alg()
		if k.Alg != "" && k.Alg != alg {
			return publicKey{}, false
		}
		n, errN := decodeBase64URL(k.N)
		e, errE := decodeBase64URL(k.E)
		if errN != nil || errE != nil || len(e) == 0 || len(e) > 4 {
			return publicKey{}, false
		}
		modulus := new(big.Int).SetBytes(n)
		exponent := int(new(big.Int).SetBytes(e).Int64())
		if modulus.BitLen() < minRSABits || exponent < 3 || exponent%2 == 0 {
			return publicKey{}, false
		}
		return publicKey{alg: alg, key: &rsa.PublicKey{N: modulus, E: exponent}}, true
	case "EC":
		alg := jwt.SigningMethodES256.Alg()
		if k.Crv != "P-256" || (k.Alg != "" && k.Alg != alg) {
			return publicKey{}, false
		}
		x, errX := decodeBase64URL(k.X)
		y, errY := decodeBase64URL(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return publicKey{}, false
		}
		point := append(append([]byte{4}, x...), y...)
		key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
		if err != nil {
			return publicKey{}, false
		}
		return publicKey{alg: alg, key: key}, true
	}
	return publicKey{}, false
}

// decodeBase64URL decodes a key member, which RFC 7518 writes without
// padding; some providers pad it anyway.
func decodeBase64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
