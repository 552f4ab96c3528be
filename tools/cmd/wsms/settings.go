package main

import (
	"flag"
	"fmt"
	"os"
	"time"

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
	DevSigningKey  string        `conf:"dev-signing-key" secret:"true" default:"wsms-development-signing-key-not-for-production" help:"HS256 key of development bearer tokens (wsms token); unused when -jwks-url is set"`
	JWKSURL        string        `conf:"jwks-url" help:"JSON Web Key Set of the identity provider whose tokens the API accepts"`
	TokenIssuer    string        `conf:"token-issuer" help:"the iss every bearer token must carry (unchecked when empty)"`
	TokenAudience  string        `conf:"token-audience" help:"the aud every bearer token must carry (unchecked when empty)"`
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
