// Package envflag defines command-line flags whose defaults come from
// environment variables.
package envflag

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"
)

// Set defines flags on a flag.FlagSet, each defaulting to the value of an
// environment variable when that is set, and to its own default otherwise.
// The usage text of each flag names its variable. A malformed variable is
// kept for Err, so that it fails as fast as a bad flag.
type Set struct {
	fs     *flag.FlagSet
	getenv func(string) string
	err    error
}

// New returns a Set defining flags on fs with defaults read through getenv
// (os.Getenv, or a stand-in in tests).
func New(fs *flag.FlagSet, getenv func(string) string) *Set {
	return &Set{fs: fs, getenv: getenv}
}

// Err returns the error of the first malformed environment variable, or nil.
func (s *Set) Err() error { return s.err }

func (s *Set) usage(env, text string) string {
	return text + " (env " + env + ")"
}

func (s *Set) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// String defines a string flag.
func (s *Set) String(p *string, name, env, def, usage string) {
	s.fs.StringVar(p, name, fromEnv(s, env, def, parseString, ""), s.usage(env, usage))
}

// Int defines an int flag.
func (s *Set) Int(p *int, name, env string, def int, usage string) {
	s.fs.IntVar(p, name, fromEnv(s, env, def, strconv.Atoi, "an integer"), s.usage(env, usage))
}

// Int64 defines an int64 flag.
func (s *Set) Int64(p *int64, name, env string, def int64, usage string) {
	s.fs.Int64Var(p, name, fromEnv(s, env, def, parseInt64, "an integer"), s.usage(env, usage))
}

// Bool defines a bool flag; the variable takes strconv.ParseBool's forms.
func (s *Set) Bool(p *bool, name, env string, def bool, usage string) {
	s.fs.BoolVar(p, name, fromEnv(s, env, def, strconv.ParseBool, "a boolean"), s.usage(env, usage))
}

// Duration defines a time.Duration flag.
func (s *Set) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	s.fs.DurationVar(p, name, fromEnv(s, env, def, time.ParseDuration, "a duration such as 5s or 1m"), s.usage(env, usage))
}

// Level defines a slog.Level flag (debug, info, warn or error).
func (s *Set) Level(p *slog.Level, name, env string, def slog.Level, usage string) {
	s.fs.TextVar(p, name, fromEnv(s, env, def, parseLevel, "a log level"), s.usage(env, usage))
}

// fromEnv returns the value of the variable env parsed by parse, or def
// when the variable is empty. A malformed value is recorded for Err as not
// being what, and def is returned.
func fromEnv[T any](s *Set, env string, def T, parse func(string) (T, error), what string) T {
	v := s.getenv(env)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		s.fail(fmt.Errorf("%s=%q is not %s", env, v, what))
		return def
	}
	return x
}

func parseString(v string) (string, error) { return v, nil }

func parseInt64(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

func parseLevel(v string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(v))
	return l, err
}

// Redacted stands for a hidden secret in logs.
const Redacted = "[redacted]"

// RedactURL hides the password of a database URL. A keyword/value DSN
// ("host=... password=...") is hidden whole, since it cannot be taken apart
// as safely.
func RedactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return Redacted
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
