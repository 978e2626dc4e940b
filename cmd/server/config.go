package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/envflag"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// Config is every setting of the server. Each is a flag whose default comes
// from an environment variable; see parseConfig.
type Config struct {
	Addr        string
	DatabaseURL string // secret: may hold a password
	DataDir     string
	// MaxBodyBytes caps a request body and each article body of a batch;
	// MaxBatchBytes caps a batch request.
	MaxBodyBytes  int64
	MaxBatchBytes int64
	APIToken      string // secret
	LogLevel      slog.Level
	LogFormat     string
	Migrate       bool
	// ProfileCacheMB bounds the decoded candidate profiles kept between
	// requests, in MiB; 0 keeps none.
	ProfileCacheMB int
	// MaxInFlight bounds the requests that match at once (see
	// httpapi.Config.MaxInFlight): 0 is two per core, negative no bound.
	MaxInFlight int
	// IngestRunners bounds the single-article ingests in flight (see
	// httpapi.Config.IngestRunners): 0 is one per core, negative no
	// grouping.
	IngestRunners int
	// DebugAddr is where the runtime profiles are served (see
	// debugHandler); empty serves none.
	DebugAddr string
	// TrustedProxies are CIDR prefixes, normalized from the flag's
	// comma-separated prefixes or addresses.
	TrustedProxies []string

	// HookKeys are the HMAC keys of the ingest hook, decoded from its
	// whsec_ secrets (several during a rotation); none disables the hook.
	HookKeys         [][]byte // secret
	HookMaxBodyBytes int64
	// Subscribers receive the outbound cluster events; none disables them.
	Subscribers []webhooks.Subscriber // secret: each Secret
	Webhook     WebhookConfig
}

// WebhookConfig tunes the delivery of outbound events.
type WebhookConfig struct {
	PollInterval time.Duration
	Timeout      time.Duration
	BackoffBase  time.Duration
	BackoffCap   time.Duration
	MaxAttempts  int
}

// Commands: the default serves; migrate applies the migrations and exits.
const (
	cmdServe   = "serve"
	cmdMigrate = "migrate"
)

// parseConfig parses args (without the program name) into a Config, with
// defaults from getenv, and validates it. The command is cmdServe unless
// args start with cmdMigrate. -h prints the usage to stderr and returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, string, error) {
	cmd := cmdServe
	if len(args) > 0 && args[0] == cmdMigrate {
		cmd, args = cmdMigrate, args[1:]
	}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: server [migrate] [flags]\n\n"+
			"Serves the newsdedup HTTP API; \"migrate\" applies the pending migrations and exits.\n"+
			"Each flag defaults to the environment variable named with it.\n\n")
		fs.PrintDefaults()
	}

	c := &Config{}
	var tokenFile, proxies string
	var hook hookFlags
	e := envflag.New(fs, getenv)
	e.String(&c.Addr, "addr", "DEDUP_ADDR", "127.0.0.1:8080", "`address` to listen on")
	e.String(&c.DatabaseURL, "database-url", "DATABASE_URL", "", "Postgres `URL`; when empty, the embedded store in -data-dir is used")
	e.String(&c.DataDir, "data-dir", "DEDUP_DATA_DIR", "./data", "`directory` of the embedded store (used when -database-url is empty)")
	e.Int64(&c.MaxBodyBytes, "max-body", "DEDUP_MAX_BODY_BYTES", 2<<20, "largest request body, and article body in a batch, in `bytes`")
	e.Int64(&c.MaxBatchBytes, "max-batch-body", "DEDUP_MAX_BATCH_BYTES", 64<<20, "largest batch request body in `bytes`")
	e.String(&c.APIToken, "api-token", "DEDUP_API_TOKEN", "", "bearer `token` required on write endpoints; prefer the env var or -api-token-file, as flags show in ps")
	e.String(&tokenFile, "api-token-file", "DEDUP_API_TOKEN_FILE", "", "`file` holding the API token")
	e.Level(&c.LogLevel, "log-level", "DEDUP_LOG_LEVEL", slog.LevelInfo, "log `level`: debug, info, warn or error")
	e.String(&c.LogFormat, "log-format", "DEDUP_LOG_FORMAT", "text", "log `format`: text or json")
	e.Bool(&c.Migrate, "migrate", "DEDUP_MIGRATE", true, "apply pending migrations at start; when false, refuse to start on an outdated schema")
	e.Int(&c.ProfileCacheMB, "profile-cache", "DEDUP_PROFILE_CACHE_MB", 64, "`MiB` of decoded candidate profiles kept between requests, so that an article that comes up again as a candidate is not decoded again; 0: none")
	e.Int(&c.IngestRunners, "ingest-runners", "DEDUP_INGEST_RUNNERS", 0, "single-article `ingests` (POST /v1/articles, the ingest hook) that go to the store at once; those that arrive meanwhile go together as one batch; 0: one per core; negative: each goes alone")
	e.Int(&c.MaxInFlight, "max-inflight", "DEDUP_MAX_INFLIGHT", 0, "`requests` that match (ingest, check, compare) at once; the others wait their turn, up to the request timeout; 0: two per core; negative: no bound")
	e.String(&c.DebugAddr, "debug-addr", "DEDUP_DEBUG_ADDR", "", "`address` to serve the runtime profiles (net/http/pprof) on, apart from the API; keep it on loopback; empty: none")
	e.String(&proxies, "trusted-proxies", "DEDUP_TRUSTED_PROXIES", "", "comma-separated `CIDRs` of reverse proxies whose X-Forwarded-For is trusted")
	hook.define(e, c)
	if err := e.Err(); err != nil {
		return nil, "", err
	}
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	if fs.NArg() > 0 {
		return nil, "", fmt.Errorf("unexpected argument %q (the only command is %q)", fs.Arg(0), cmdMigrate)
	}
	if err := c.finish(tokenFile, proxies); err != nil {
		return nil, "", err
	}
	if err := hook.finish(c); err != nil {
		return nil, "", err
	}
	return c, cmd, nil
}

// finish reads the token file, normalizes the proxies and validates c.
func (c *Config) finish(tokenFile, proxies string) error {
	var err error
	if c.APIToken, err = secretOrFile(c.APIToken, tokenFile, "api-token", "DEDUP_API_TOKEN", "API token"); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("-addr %q: %w", c.Addr, err)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return errors.New("set -database-url (DATABASE_URL) or -data-dir (DEDUP_DATA_DIR)")
	}
	if c.DebugAddr != "" {
		_, port, err := net.SplitHostPort(c.DebugAddr)
		if err != nil {
			return fmt.Errorf("-debug-addr %q: %w", c.DebugAddr, err)
		}
		if c.DebugAddr == c.Addr && port != "0" {
			return fmt.Errorf("-debug-addr must differ from -addr (%s): the profiles are not for API clients", c.Addr)
		}
	}
	if c.MaxBodyBytes <= 0 {
		return fmt.Errorf("-max-body must be positive, not %d", c.MaxBodyBytes)
	}
	if c.MaxBatchBytes < c.MaxBodyBytes {
		return fmt.Errorf("-max-batch-body (%d) must be at least -max-body (%d)", c.MaxBatchBytes, c.MaxBodyBytes)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("-log-format must be text or json, not %q", c.LogFormat)
	}
	if c.ProfileCacheMB < 0 || c.ProfileCacheMB > 1<<20 {
		return fmt.Errorf("-profile-cache must be in [0, 1048576] MiB, not %d", c.ProfileCacheMB)
	}
	c.TrustedProxies, err = parseProxies(proxies)
	return err
}

// secretOrFile returns value, or the trimmed contents of file, which the
// flag name+"-file" (env+"_FILE") names; setting both is an error.
func secretOrFile(value, file, name, env, what string) (string, error) {
	if file == "" {
		return value, nil
	}
	if value != "" {
		return "", fmt.Errorf("set one of -%s (%s) and -%s-file (%s_FILE), not both", name, env, name, env)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", what, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s file %s is empty", what, file)
	}
	return s, nil
}

// parseProxies reads comma-separated CIDR prefixes; a bare address stands for
// itself alone.
func parseProxies(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked().String())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is neither a CIDR prefix nor an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()).String())
	}
	return out, nil
}

// LogValue shows the config with its secrets redacted, for the startup log.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("database_url", envflag.RedactURL(c.DatabaseURL)),
		slog.String("data_dir", c.DataDir),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.Int64("max_batch_bytes", c.MaxBatchBytes),
		slog.String("api_token", redact(c.APIToken)),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Bool("migrate", c.Migrate),
		slog.String("debug_addr", c.DebugAddr),
		slog.String("trusted_proxies", strings.Join(c.TrustedProxies, ",")),
		slog.String("hook_secrets", redactKeys(c.HookKeys)),
		slog.Int64("hook_max_body_bytes", c.HookMaxBodyBytes),
		// Names only: a subscriber's URL may carry a token.
		slog.String("subscribers", strings.Join(subscriberNames(c.Subscribers), ",")),
		slog.Duration("webhook_poll_interval", c.Webhook.PollInterval),
		slog.Duration("webhook_timeout", c.Webhook.Timeout),
		slog.Duration("webhook_backoff_base", c.Webhook.BackoffBase),
		slog.Duration("webhook_backoff_cap", c.Webhook.BackoffCap),
		slog.Int("webhook_max_attempts", c.Webhook.MaxAttempts),
	)
}

const redacted = envflag.Redacted

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}
