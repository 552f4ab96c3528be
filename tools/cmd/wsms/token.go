package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"wsms/events"
	"wsms/gateway/auth"
	"wsms/platform/config"
	"wsms/platform/errs"
)

// tokenSettings are what `wsms token` reads: who the token speaks for, for
// how long, and the key that signs it.
type tokenSettings struct {
	Role    string        `conf:"role" help:"the role the token acts in: OFFICE, FACULTY, TUTOR, SCHOOL_COORDINATOR, MENTOR or STUDENT_TEACHER"`
	Subject string        `conf:"subject" help:"the id of the person the token speaks for (its sub)"`
	School  string        `conf:"school" help:"the school a SCHOOL_COORDINATOR or MENTOR acts for"`
	TTL     time.Duration `conf:"ttl" default:"12h" help:"how long the token is valid"`
	Key     string        `conf:"dev-signing-key" secret:"true" help:"the HS256 key the gateway checks development tokens with (default: the built-in development key, accepted on loopback only)"`
}

// tokenFlags names the flag, or variable, behind each field Mint can refuse,
// so that an error points at what to change on the command line.
func tokenFlags() map[string]string {
	return map[string]string{
		"sub":    "--subject",
		"role":   "--role",
		"school": "--school",
		"ttl":    "--ttl",
		"key":    "WSMS_DEV_SIGNING_KEY",
	}
}

// mintToken prints a development bearer token for the GraphQL API, so that
// the API can be tried with curl or a GraphQL client without an identity
// provider.
func mintToken(args []string) error {
	return writeToken(args, os.LookupEnv, os.Stdout, time.Now())
}

// writeToken is mintToken reading the environment through lookup and writing
// to stdout, so that tests run it without touching the process's own.
func writeToken(args []string, lookup func(string) (string, bool), stdout io.Writer, now time.Time) error {
	var s tokenSettings
	fs := flag.NewFlagSet("wsms token", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: wsms token --role R --subject ID [--school ID] [--ttl 12h]\n\nPrints a development bearer token for the GraphQL API, signed with\nWSMS_DEV_SIGNING_KEY (or the built-in development key, which only wsms run\nand a gateway listening on loopback accept). Send it as\n\"Authorization: Bearer <token>\".")
		fs.PrintDefaults()
	}
	if err := config.Load(fs, args, lookup, &s); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token: unexpected argument %q: give everything as flags", fs.Arg(0))
	}
	if s.Key == "" {
		s.Key = auth.DevelopmentKey
	}
	// Roles are written as in the schema, but school-coordinator or mentor
	// typed by hand mean the same.
	role := events.Role(strings.ToUpper(strings.ReplaceAll(s.Role, "-", "_")))
	actor := events.Actor{ID: s.Subject, Role: role, SchoolID: s.School}
	token, err := auth.Mint(s.Key, actor, s.TTL, now)
	var refused *errs.Error
	if errors.As(err, &refused) && refused.Field != "" {
		name, ok := tokenFlags()[refused.Field]
		if !ok {
			name = refused.Field
		}
		return fmt.Errorf("token: %s: %s (rule %s)", name, refused.Message, refused.Rule)
	}
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
