package main

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// envMap is a getenv over a map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	c, cmd, err := parseConfig(nil, envMap(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Addr:             "127.0.0.1:8080",
		DataDir:          "./data",
		MaxBodyBytes:     2 << 20,
		MaxBatchBytes:    64 << 20,
		LogLevel:         slog.LevelInfo,
		LogFormat:        "text",
		Migrate:          true,
		ProfileCacheMB:   64,
		HookMaxBodyBytes: 1 << 20,
		Webhook: WebhookConfig{
			PollInterval: 5 * time.Second,
			Timeout:      15 * time.Second,
			BackoffBase:  time.Second,
			BackoffCap:   time.Hour,
			MaxAttempts:  10,
		},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if cmd != cmdServe {
		t.Errorf("command = %q, want %q", cmd, cmdServe)
	}
}

func TestParseConfig(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(*Config) bool
		cmd   string
	}{
		{"env sets", nil, map[string]string{"DEDUP_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://db/x", "DEDUP_MAX_BODY_BYTES": "1000",
			"DEDUP_LOG_LEVEL": "debug", "DEDUP_LOG_FORMAT": "json", "DEDUP_MIGRATE": "false", "DEDUP_API_TOKEN": "t"},
			func(c *Config) bool {
				return c.Addr == "0.0.0.0:9000" && c.DatabaseURL == "postgres://db/x" && c.MaxBodyBytes == 1000 &&
					c.LogLevel == slog.LevelDebug && c.LogFormat == "json" && !c.Migrate && c.APIToken == "t"
			}, cmdServe},
		{"flag beats env", []string{"-addr", "127.0.0.1:1", "-migrate=true"}, map[string]string{"DEDUP_ADDR": "0.0.0.0:9000", "DEDUP_MIGRATE": "false"},
			func(c *Config) bool { return c.Addr == "127.0.0.1:1" && c.Migrate }, cmdServe},
		{"token file", nil, map[string]string{"DEDUP_API_TOKEN_FILE": tokenFile},
			func(c *Config) bool { return c.APIToken == "from-file" }, cmdServe},
		{"trusted proxies", []string{"-trusted-proxies", "10.0.0.0/8, 192.168.1.7,::1"}, nil,
			func(c *Config) bool {
				return cmp.Equal(c.TrustedProxies, []string{"10.0.0.0/8", "192.168.1.7/32", "::1/128"})
			}, cmdServe},
		{"profile cache", nil, map[string]string{"DEDUP_PROFILE_CACHE_MB": "0"},
			func(c *Config) bool { return c.ProfileCacheMB == 0 }, cmdServe},
		{"bound on matching requests", []string{"-max-inflight", "12"}, nil,
			func(c *Config) bool { return c.MaxInFlight == 12 }, cmdServe},
		{"no bound on matching requests", nil, map[string]string{"DEDUP_MAX_INFLIGHT": "-1"},
			func(c *Config) bool { return c.MaxInFlight == -1 }, cmdServe},
		{"ingest runners", []string{"-ingest-runners", "3"}, nil,
			func(c *Config) bool { return c.IngestRunners == 3 }, cmdServe},
		{"no grouping of ingests", nil, map[string]string{"DEDUP_INGEST_RUNNERS": "-1"},
			func(c *Config) bool { return c.IngestRunners == -1 }, cmdServe},
		{"debug address", nil, map[string]string{"DEDUP_DEBUG_ADDR": "127.0.0.1:6060"},
			func(c *Config) bool { return c.DebugAddr == "127.0.0.1:6060" }, cmdServe},
		{"migrate command", []string{"migrate", "-log-level", "warn"}, nil,
			func(c *Config) bool { return c.LogLevel == slog.LevelWarn }, cmdMigrate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cmd, err := parseConfig(tt.args, envMap(tt.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) || cmd != tt.cmd {
				t.Errorf("config = %+v, command %q", c, cmd)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"env not an integer", nil, map[string]string{"DEDUP_MAX_BODY_BYTES": "2MiB"}, `DEDUP_MAX_BODY_BYTES="2MiB" is not an integer`},
		{"env not a boolean", nil, map[string]string{"DEDUP_MIGRATE": "sometimes"}, "DEDUP_MIGRATE"},
		{"env bad level", nil, map[string]string{"DEDUP_LOG_LEVEL": "loud"}, "DEDUP_LOG_LEVEL"},
		{"flag bad level", []string{"-log-level", "loud"}, nil, "log-level"},
		{"bad format", []string{"-log-format", "xml"}, nil, "-log-format"},
		{"zero body limit", []string{"-max-body", "0"}, nil, "-max-body must be positive"},
		{"batch under body limit", []string{"-max-body", "100", "-max-batch-body", "99"}, nil, "-max-batch-body"},
		{"bad addr", []string{"-addr", "8080"}, nil, "-addr"},
		{"no store", []string{"-data-dir", ""}, nil, "-database-url"},
		{"token twice", []string{"-api-token", "a", "-api-token-file", tokenFile}, nil, "not both"},
		{"missing token file", []string{"-api-token-file", "/nonexistent/token"}, nil, "read API token"},
		{"bad proxy", []string{"-trusted-proxies", "10.0.0.0/33"}, nil, "-trusted-proxies"},
		{"bad debug addr", []string{"-debug-addr", "6060"}, nil, "-debug-addr"},
		{"debug addr is the API's", []string{"-debug-addr", "127.0.0.1:8080"}, nil, "-debug-addr must differ"},
		{"negative profile cache", []string{"-profile-cache", "-1"}, nil, "-profile-cache must be in"},
		{"unknown flag", []string{"-port", "80"}, nil, "-port"},
		{"unknown command", []string{"serve"}, nil, `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseConfig(tt.args, envMap(tt.env), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
		})
	}
}

func TestParseConfigHelp(t *testing.T) {
	var out bytes.Buffer
	_, _, err := parseConfig([]string{"-h"}, envMap(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("error = %v, want flag.ErrHelp", err)
	}
	for _, env := range []string{"DEDUP_ADDR", "DATABASE_URL", "DEDUP_DATA_DIR", "DEDUP_MAX_BODY_BYTES", "DEDUP_MAX_BATCH_BYTES",
		"DEDUP_API_TOKEN", "DEDUP_API_TOKEN_FILE", "DEDUP_LOG_LEVEL", "DEDUP_LOG_FORMAT", "DEDUP_MIGRATE", "DEDUP_TRUSTED_PROXIES",
		"DEDUP_PROFILE_CACHE_MB", "DEDUP_DEBUG_ADDR"} {
		if !strings.Contains(out.String(), "(env "+env+")") {
			t.Errorf("-h does not mention %s:\n%s", env, out.String())
		}
	}
}

func TestConfigLogRedactsSecrets(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"postgres://app:hunter2@db:5432/news?sslmode=disable", "postgres://app:xxxxx@db:5432/news?sslmode=disable"},
		{"postgres://app@db/news?password=hunter2", "postgres://app@db/news?password=xxxxx"},
		{"host=db user=app password=hunter2", "[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			var buf bytes.Buffer
			c := &Config{DatabaseURL: tt.url, APIToken: "tok-hunter2"}
			slog.New(slog.NewTextHandler(&buf, nil)).Info("starting", "config", c)
			if strings.Contains(buf.String(), "hunter2") {
				t.Errorf("a secret reached the log: %s", buf.String())
			}
			if !strings.Contains(buf.String(), tt.want) || !strings.Contains(buf.String(), "api_token=[redacted]") {
				t.Errorf("log %s lacks %q and a redacted token", buf.String(), tt.want)
			}
		})
	}
}
