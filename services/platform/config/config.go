// Package config reads a program's settings into one typed struct, once:
// defaults, then WSMS_ environment variables (or a field's own variable,
// such as DATABASE_URL), then command-line flags. Fields are described by
// tags:
//
//	DatabaseURL string `conf:"database-url" env:"DATABASE_URL" secret:"url" help:"..."`
//	Replicas    int    `conf:"replicas" default:"1" help:"..."`
//
// conf names the flag (and WSMS_<NAME> the variable), default gives the
// value when nothing sets it, secret masks the value when printed ("url"
// hides only a URL's password).
package config

import (
	"flag"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Load fills the struct cfg points to from defaults, environment (lookup,
// usually os.LookupEnv) and args. With -h or --help it prints the settings
// to fs's output and returns flag.ErrHelp.
func Load(fs *flag.FlagSet, args []string, lookup func(string) (string, bool), cfg any) error {
	v := reflect.ValueOf(cfg).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f, field := t.Field(i), v.Field(i)
		name := f.Tag.Get("conf")
		if name == "" {
			continue
		}
		value, source := f.Tag.Get("default"), "default"
		if env, ok := lookup(envName(f)); ok {
			value, source = env, envName(f)
		}
		if value != "" {
			if err := set(field, value); err != nil {
				return fmt.Errorf("%s (from %s): %w", name, source, err)
			}
		}
		help := f.Tag.Get("help") + " (env " + envName(f) + ")"
		fs.Var(fieldValue{field}, name, help)
	}
	return fs.Parse(args)
}

func envName(f reflect.StructField) string {
	if e := f.Tag.Get("env"); e != "" {
		return e
	}
	return "WSMS_" + strings.ToUpper(strings.ReplaceAll(f.Tag.Get("conf"), "-", "_"))
}

// fieldValue lets a flag set a struct field of any supported kind.
type fieldValue struct{ v reflect.Value }

func (f fieldValue) String() string {
	if !f.v.IsValid() {
		return ""
	}
	return fmt.Sprint(f.v.Interface())
}

func (f fieldValue) Set(s string) error { return set(f.v, s) }

func (f fieldValue) IsBoolFlag() bool { return f.v.IsValid() && f.v.Kind() == reflect.Bool }

func set(v reflect.Value, s string) error {
	switch {
	case v.Type() == reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 500ms or 2s", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(int64(n))
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	default:
		return fmt.Errorf("settings of type %s are not supported", v.Type())
	}
	return nil
}

// Describe lists the settings of cfg, one "name=value" per line, with
// secrets masked: safe to log at start-up.
func Describe(cfg any) string {
	v := reflect.ValueOf(cfg)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	var b strings.Builder
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name := f.Tag.Get("conf")
		if name == "" {
			continue
		}
		value := fmt.Sprint(v.Field(i).Interface())
		switch f.Tag.Get("secret") {
		case "url":
			value = RedactURL(value)
		case "true":
			if value != "" {
				value = "****"
			}
		}
		fmt.Fprintf(&b, "%s=%s\n", name, value)
	}
	return b.String()
}

// RedactURL hides the password of a connection URL; a value that is not a
// URL is hidden whole.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "****"
	}
	return u.Redacted()
}
