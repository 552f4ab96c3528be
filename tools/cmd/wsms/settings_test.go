package main

import (
	"log/slog"
	"strings"
	"testing"

	"wsms/gateway/auth"
)

func TestGatewayTokensAreDevelopmentTokensOnlyOnLoopbackOrWithASecretKey(t *testing.T) {
	t.Parallel()
	const secret = "a-secret-key-of-our-own-0123456789abcdef"
	for _, tc := range []struct {
		name    string
		args    []string
		wantKey string // the development key accepted; "" for none
		wantErr string // what the refusal must say
	}{
		{"wsms run's default address", nil, auth.DevelopmentKey, ""},
		{"loopback by name", []string{"-http-addr", "localhost:8080"}, auth.DevelopmentKey, ""},
		{"loopback, IPv6", []string{"-http-addr", "[::1]:8080"}, auth.DevelopmentKey, ""},
		{"every interface", []string{"-http-addr", "0.0.0.0:8080"}, "", "would accept tokens signed with the built-in development key, which is public"},
		{"no host", []string{"-http-addr", ":8080"}, "", "would accept tokens signed with the built-in development key, which is public"},
		{"the development key named", []string{"-http-addr", "0.0.0.0:8080", "-dev-signing-key", auth.DevelopmentKey}, "", "the built-in development key"},
		{"a short key", []string{"-http-addr", "0.0.0.0:8080", "-dev-signing-key", "hunter2"}, "", "a development key of 7 characters"},
		{"a secret key", []string{"-http-addr", "0.0.0.0:8080", "-dev-signing-key", secret}, secret, ""},
		{"an identity provider", []string{"-http-addr", "0.0.0.0:8080", "-jwks-url", "https://idp.example/keys",
			"-token-issuer", "https://idp.example", "-token-audience", "wsms"}, "", ""},
		{"an identity provider, no audience", []string{"-http-addr", "0.0.0.0:8080", "-jwks-url", "https://idp.example/keys",
			"-token-issuer", "https://idp.example"}, "", "set the token issuer and audience too"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Given the gateway's flags
			s, _, err := loadSettings("serve gateway", tc.args)
			if err != nil {
				t.Fatal(err)
			}
			// When it decides which tokens to accept
			cfg, err := s.tokens(slog.New(slog.DiscardHandler))
			if err == nil {
				_, err = auth.New(cfg, nil)
			}
			// Then it refuses, saying what to set, or accepts only what it may
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.HasPrefix(tc.wantErr, "would accept") {
					for _, flag := range []string{"-jwks-url with -token-issuer and -token-audience", "a secret -dev-signing-key", "WSMS_JWKS_URL"} {
						if !strings.Contains(err.Error(), flag) {
							t.Errorf("the refusal does not say to set %s: %v", flag, err)
						}
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DevSigningKey != tc.wantKey && cfg.JWKSURL == "" {
				t.Fatalf("accepts development key %q, want %q", cfg.DevSigningKey, tc.wantKey)
			}
		})
	}
}
