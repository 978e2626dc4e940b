package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/webhooks"
)

var (
	testKeyA = bytes.Repeat([]byte{'a'}, 32)
	testKeyB = bytes.Repeat([]byte{'b'}, 24)
)

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParseHookConfig(t *testing.T) {
	secrets := webhooks.FormatSecret(testKeyA) + "," + webhooks.FormatSecret(testKeyB)
	secretFile := writeFile(t, "hook-secret", webhooks.FormatSecret(testKeyA)+"\n"+webhooks.FormatSecret(testKeyB)+"\n")
	subsFile := writeFile(t, "subscribers.json", `[
		{"name": "search", "url": "https://search.example/hooks?token=s3cret", "secret": "`+webhooks.FormatSecret(testKeyA)+`"},
		{"name": "alerts", "url": "http://alerts.internal:9000/in", "secret": "`+webhooks.FormatSecret(testKeyB)+`"}
	]`)
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(*Config) bool
	}{
		{"secrets from env", nil, map[string]string{"DEDUP_HOOK_SECRET": secrets},
			func(c *Config) bool { return cmp.Equal(c.HookKeys, [][]byte{testKeyA, testKeyB}) }},
		{"secrets from a file", nil, map[string]string{"DEDUP_HOOK_SECRET_FILE": secretFile},
			func(c *Config) bool { return cmp.Equal(c.HookKeys, [][]byte{testKeyA, testKeyB}) }},
		{"no secret", nil, nil, func(c *Config) bool { return c.HookKeys == nil }},
		{"subscribers", []string{"-subscribers-file", subsFile}, nil, func(c *Config) bool {
			return cmp.Equal(c.Subscribers, []webhooks.Subscriber{
				{Name: "search", URL: "https://search.example/hooks?token=s3cret", Secret: testKeyA},
				{Name: "alerts", URL: "http://alerts.internal:9000/in", Secret: testKeyB},
			})
		}},
		{"webhook tuning", nil, map[string]string{"DEDUP_WEBHOOK_POLL_INTERVAL": "50ms", "DEDUP_WEBHOOK_TIMEOUT": "2s",
			"DEDUP_WEBHOOK_BACKOFF_BASE": "10ms", "DEDUP_WEBHOOK_BACKOFF_CAP": "1s", "DEDUP_WEBHOOK_MAX_ATTEMPTS": "3",
			"DEDUP_HOOK_MAX_BODY_BYTES": "4096"},
			func(c *Config) bool {
				return c.Webhook == WebhookConfig{PollInterval: 50 * time.Millisecond, Timeout: 2 * time.Second,
					BackoffBase: 10 * time.Millisecond, BackoffCap: time.Second, MaxAttempts: 3} && c.HookMaxBodyBytes == 4096
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := parseConfig(tt.args, envMap(tt.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

func TestParseHookConfigErrors(t *testing.T) {
	good := webhooks.FormatSecret(testKeyA)
	subs := func(entries string) string { return writeFile(t, "subscribers.json", entries) }
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		want   string
		secret string // must not appear in the error
	}{
		{"bad secret", nil, map[string]string{"DEDUP_HOOK_SECRET": good + ",whsec_hunter2hunter2"}, "hook secret 2 of 2", "hunter2"},
		{"short secret", nil, map[string]string{"DEDUP_HOOK_SECRET": "whsec_aHVudGVyMg=="}, "bytes, want 24 to 64", "aHVudGVyMg"},
		{"secret twice", []string{"-hook-secret", good, "-hook-secret-file", "/nonexistent"}, nil, "not both", ""},
		{"empty secret file", nil, map[string]string{"DEDUP_HOOK_SECRET_FILE": writeFile(t, "empty", "\n")}, "is empty", ""},
		{"zero hook body", []string{"-hook-max-body", "0"}, nil, "-hook-max-body", ""},
		{"missing subscribers file", []string{"-subscribers-file", "/nonexistent/subs.json"}, nil, "read subscribers", ""},
		{"subscribers not a list", []string{"-subscribers-file", subs(`{"name":"a"}`)}, nil, "JSON array", ""},
		{"subscriber unknown field", []string{"-subscribers-file", subs(`[{"name":"a","endpoint":"x"}]`)}, nil, "endpoint", ""},
		{"subscriber without name", []string{"-subscribers-file", subs(`[{"url":"https://x.example","secret":"` + good + `"}]`)}, nil, "entry 1: name", ""},
		{"subscriber twice", []string{"-subscribers-file", subs(`[{"name":"a","url":"https://x.example","secret":"` + good + `"},` +
			`{"name":"a","url":"https://y.example","secret":"` + good + `"}]`)}, nil, `"a" is listed twice`, ""},
		{"subscriber bad url", []string{"-subscribers-file", subs(`[{"name":"a","url":"ftp://x.example/?token=hunter2","secret":"` + good + `"}]`)},
			nil, "absolute http or https", "hunter2"},
		{"subscriber bad secret", []string{"-subscribers-file", subs(`[{"name":"a","url":"https://x.example","secret":"hunter2"}]`)},
			nil, "invalid webhook secret", "hunter2"},
		{"poll interval not a duration", nil, map[string]string{"DEDUP_WEBHOOK_POLL_INTERVAL": "often"}, "DEDUP_WEBHOOK_POLL_INTERVAL", ""},
		{"zero timeout", []string{"-webhook-timeout", "0s"}, nil, "-webhook-timeout must be positive", ""},
		{"cap under base", []string{"-webhook-backoff-base", "1m", "-webhook-backoff-cap", "1s"}, nil, "-webhook-backoff-cap", ""},
		{"no attempts", nil, map[string]string{"DEDUP_WEBHOOK_MAX_ATTEMPTS": "0"}, "-webhook-max-attempts", ""},
		{"attempts not an integer", nil, map[string]string{"DEDUP_WEBHOOK_MAX_ATTEMPTS": "many"}, "DEDUP_WEBHOOK_MAX_ATTEMPTS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseConfig(tt.args, envMap(tt.env), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q shows a secret", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
		})
	}
}

func TestParseHookConfigHelp(t *testing.T) {
	var out bytes.Buffer
	_, _, _ = parseConfig([]string{"-h"}, envMap(nil), &out)
	for _, env := range []string{"DEDUP_HOOK_SECRET", "DEDUP_HOOK_SECRET_FILE", "DEDUP_HOOK_MAX_BODY_BYTES", "DEDUP_SUBSCRIBERS_FILE",
		"DEDUP_WEBHOOK_POLL_INTERVAL", "DEDUP_WEBHOOK_TIMEOUT", "DEDUP_WEBHOOK_BACKOFF_BASE", "DEDUP_WEBHOOK_BACKOFF_CAP", "DEDUP_WEBHOOK_MAX_ATTEMPTS"} {
		if !strings.Contains(out.String(), "(env "+env+")") {
			t.Errorf("-h does not mention %s", env)
		}
	}
}

func TestConfigLogRedactsHookSecrets(t *testing.T) {
	subsFile := writeFile(t, "subscribers.json",
		`[{"name": "search", "url": "https://search.example/hooks?token=tok-hunter2", "secret": "`+webhooks.FormatSecret(testKeyB)+`"}]`)
	env := map[string]string{"DEDUP_HOOK_SECRET": webhooks.FormatSecret(testKeyA), "DEDUP_SUBSCRIBERS_FILE": subsFile}
	c, _, err := parseConfig(nil, envMap(env), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("starting", "config", c)
	for _, secret := range []string{webhooks.FormatSecret(testKeyA), webhooks.FormatSecret(testKeyB), "hunter2", string(testKeyA)} {
		if strings.Contains(buf.String(), strings.TrimPrefix(secret, webhooks.SecretPrefix)) {
			t.Errorf("a secret reached the log: %s", buf.String())
		}
	}
	if !strings.Contains(buf.String(), `hook_secrets="[redacted] (1)"`) || !strings.Contains(buf.String(), "subscribers=search") {
		t.Errorf("log %s lacks the redacted secret count or the subscriber names", buf.String())
	}
}
