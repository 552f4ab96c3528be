package main

import (
	"cmp"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"wsms/gateway/auth"
	"wsms/platform/config"
	"wsms/platform/relay"
)

// settings are what run and serve read, once, from flags and environment.
type settings struct {
	DatabaseURL string        `conf:"database-url" env:"DATABASE_URL" secret:"url" help:"PostgreSQL connection string; empty runs a private cluster under -data-dir"`
	NATSURL     string        `conf:"nats-url" env:"NATS_URL" secret:"url" help:"NATS server; empty embeds one with JetStream under -data-dir"`
	DataDir     string        `conf:"data-dir" default:".data" help:"where the private PostgreSQL and the embedded NATS keep their data"`
	NATSPort    int           `conf:"nats-port" default:"14222" help:"client port of the embedded NATS (0: any free port)"`
	NATSSync    bool          `conf:"nats-sync-always" help:"make the embedded NATS fsync every JetStream write"`
	Namespace   string        `conf:"namespace" default:"wsms" help:"prefix of NATS subjects and stream names"`
	Replicas    int           `conf:"stream-replicas" default:"1" help:"replicas of each JetStream stream (3 in a cluster)"`
	Duplicates  time.Duration `conf:"stream-duplicates" default:"2m" help:"JetStream de-duplication window"`
	DBConns     int           `conf:"db-conns" default:"32" help:"PostgreSQL connections of this process"`
	Demo        bool          `conf:"demo" default:"true" help:"load demo data when the event store is empty (run only)"`

	HTTPAddr       string        `conf:"http-addr" default:"127.0.0.1:8080" help:"where the GraphQL API listens (run, serve gateway)"`
	ReadWait       time.Duration `conf:"read-wait" default:"2s" help:"how long a mutation's receipt waits for the read models to show the command"`
	CommandTimeout time.Duration `conf:"command-timeout" default:"10s" help:"how long the gateway waits for a service to answer a command"`
	DevSigningKey  string        `conf:"dev-signing-key" secret:"true" help:"HS256 key of development bearer tokens (wsms token), at least 32 characters; empty: the built-in development key, which is public, so accepted only by a gateway listening on loopback; unused when -jwks-url is set"`
	JWKSURL        string        `conf:"jwks-url" help:"JSON Web Key Set of the identity provider whose tokens the API accepts (with -token-issuer and -token-audience)"`
	TokenIssuer    string        `conf:"token-issuer" help:"the iss every bearer token must carry (required with -jwks-url; unchecked when empty otherwise)"`
	TokenAudience  string        `conf:"token-audience" help:"the aud every bearer token must carry (required with -jwks-url; unchecked when empty otherwise)"`
}

// minDevKeyLength is the shortest development signing key a gateway
// reachable from other machines accepts: an HS256 key is a password, and a
// token signed with a short one gives it away to a brute-force search.
const minDevKeyLength = 32

// tokens says which tokens a gateway listening on -http-addr accepts. The
// identity provider's, when a JWKS URL is set; otherwise development tokens
// signed with -dev-signing-key, or with the built-in development key when
// none is set. That key is in the source, so anyone can sign a token with
// it for any role: a gateway that accepts it, or a short key, must listen
// on loopback only, where nobody but this machine's users reaches it.
func (s settings) tokens(log *slog.Logger) (auth.Config, error) {
	cfg := auth.Config{JWKSURL: s.JWKSURL, Issuer: s.TokenIssuer, Audience: s.TokenAudience, Log: log}
	if s.JWKSURL != "" {
		return cfg, nil // auth.New requires the issuer and audience
	}
	cfg.DevSigningKey = cmp.Or(s.DevSigningKey, auth.DevelopmentKey)
	// An address without a host (":8080", "0.0.0.0:8080") listens on every
	// interface; a name listens on the address it resolves to.
	if addr, err := net.ResolveTCPAddr("tcp", s.HTTPAddr); err == nil && addr.IP.IsLoopback() {
		return cfg, nil
	}
	var weak string
	switch {
	case cfg.DevSigningKey == auth.DevelopmentKey:
		weak = "tokens signed with the built-in development key, which is public"
	case len(cfg.DevSigningKey) < minDevKeyLength:
		weak = fmt.Sprintf("tokens signed with a development key of %d characters", len(cfg.DevSigningKey))
	default:
		return cfg, nil
	}
	return auth.Config{}, fmt.Errorf("the gateway listens on %s, beyond this machine, but would accept %s: "+
		"set -jwks-url with -token-issuer and -token-audience (WSMS_JWKS_URL, WSMS_TOKEN_ISSUER, WSMS_TOKEN_AUDIENCE) to accept your identity provider's tokens, "+
		"or a secret -dev-signing-key (WSMS_DEV_SIGNING_KEY) of at least %d characters, or listen on loopback only (-http-addr 127.0.0.1:8080)",
		s.HTTPAddr, weak, minDevKeyLength)
}

func loadSettings(name string, args []string) (settings, []string, error) {
	var s settings
	fs := flag.NewFlagSet("wsms "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of wsms %s:\n", name)
		fs.PrintDefaults()
	}
	if err := config.Load(fs, args, os.LookupEnv, &s); err != nil {
		return s, nil, err
	}
	return s, fs.Args(), nil
}

func (s settings) relay() relay.Config {
	return relay.Config{Namespace: s.Namespace, Replicas: s.Replicas, Duplicates: s.Duplicates}
}
