package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/newsdedup/newsdedup/internal/envflag"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// hookFlags holds the raw values of the ingest hook and subscriber flags,
// which finish decodes into the Config.
type hookFlags struct {
	secret, secretFile, subscribersFile string
}

func (h *hookFlags) define(e *envflag.Set, c *Config) {
	e.String(&h.secret, "hook-secret", "DEDUP_HOOK_SECRET", "",
		"comma-separated whsec_ `secrets` of the ingest hook (several during a rotation); empty disables the hook; prefer the env var or -hook-secret-file")
	e.String(&h.secretFile, "hook-secret-file", "DEDUP_HOOK_SECRET_FILE", "", "`file` holding the hook secrets, separated by commas or newlines")
	e.Int64(&c.HookMaxBodyBytes, "hook-max-body", "DEDUP_HOOK_MAX_BODY_BYTES", 1<<20, "largest ingest hook request body in `bytes`")
	e.String(&h.subscribersFile, "subscribers-file", "DEDUP_SUBSCRIBERS_FILE", "",
		"JSON `file` listing the receivers of cluster events as [{\"name\", \"url\", \"secret\"}]; none disables them")
	e.Duration(&c.Webhook.PollInterval, "webhook-poll-interval", "DEDUP_WEBHOOK_POLL_INTERVAL", webhooks.DefaultPollInterval,
		"how often the event worker looks for due deliveries (`duration`)")
	e.Duration(&c.Webhook.Timeout, "webhook-timeout", "DEDUP_WEBHOOK_TIMEOUT", webhooks.DefaultTimeout,
		"time limit of one delivery attempt (`duration`); a claim on a delivery lasts twice as long")
	e.Duration(&c.Webhook.BackoffBase, "webhook-backoff-base", "DEDUP_WEBHOOK_BACKOFF_BASE", webhooks.DefaultBackoffBase,
		"most delay after the first failed attempt (`duration`), doubling with each further failure")
	e.Duration(&c.Webhook.BackoffCap, "webhook-backoff-cap", "DEDUP_WEBHOOK_BACKOFF_CAP", webhooks.DefaultBackoffCap,
		"most delay between two attempts (`duration`)")
	e.Int(&c.Webhook.MaxAttempts, "webhook-max-attempts", "DEDUP_WEBHOOK_MAX_ATTEMPTS", webhooks.DefaultMaxAttempts,
		"attempts after which a delivery is parked as failed")
}

// finish decodes the secrets and subscribers into c and validates the
// webhook settings.
func (h *hookFlags) finish(c *Config) error {
	secrets, err := secretOrFile(h.secret, h.secretFile, "hook-secret", "DEDUP_HOOK_SECRET", "hook secret")
	if err != nil {
		return err
	}
	if c.HookKeys, err = parseHookSecrets(secrets); err != nil {
		return err
	}
	if c.HookMaxBodyBytes <= 0 {
		return fmt.Errorf("-hook-max-body must be positive, not %d", c.HookMaxBodyBytes)
	}
	if h.subscribersFile != "" {
		if c.Subscribers, err = readSubscribers(h.subscribersFile); err != nil {
			return err
		}
	}
	return c.Webhook.validate()
}

// parseHookSecrets decodes secrets separated by commas or white space.
// Errors name a secret by its position, never by its value.
func parseHookSecrets(s string) ([][]byte, error) {
	var keys [][]byte
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	for i, f := range fields {
		key, err := webhooks.ParseSecret(f)
		if err != nil {
			return nil, fmt.Errorf("hook secret %d of %d: %w", i+1, len(fields), err)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// subscriberEntry is one subscriber as the subscribers file lists it.
type subscriberEntry struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// maxSubscriberName bounds a name, which is stored with every delivery.
const maxSubscriberName = 64

// readSubscribers reads the subscribers file. Errors never show a URL or
// a secret: a URL may carry a token.
func readSubscribers(path string) ([]webhooks.Subscriber, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read subscribers: %w", err)
	}
	var entries []subscriberEntry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("subscribers file %s: want a JSON array of {name, url, secret}: %w", path, err)
	}
	subs := make([]webhooks.Subscriber, 0, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		name := strings.TrimSpace(e.Name)
		switch {
		case name == "" || len(name) > maxSubscriberName:
			return nil, fmt.Errorf("subscribers file %s: entry %d: name must have 1 to %d characters", path, i+1, maxSubscriberName)
		case seen[name]:
			return nil, fmt.Errorf("subscribers file %s: subscriber %q is listed twice", path, name)
		}
		seen[name] = true
		if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("subscribers file %s: subscriber %q: url must be an absolute http or https URL", path, name)
		}
		key, err := webhooks.ParseSecret(e.Secret)
		if err != nil {
			return nil, fmt.Errorf("subscribers file %s: subscriber %q: %w", path, name, err)
		}
		subs = append(subs, webhooks.Subscriber{Name: name, URL: e.URL, Secret: key})
	}
	return subs, nil
}

func (w WebhookConfig) validate() error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"-webhook-poll-interval", w.PollInterval}, {"-webhook-timeout", w.Timeout}, {"-webhook-backoff-base", w.BackoffBase}} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be positive, not %s", d.flag, d.v)
		}
	}
	if w.BackoffCap < w.BackoffBase {
		return fmt.Errorf("-webhook-backoff-cap (%s) must be at least -webhook-backoff-base (%s)", w.BackoffCap, w.BackoffBase)
	}
	if w.MaxAttempts < 1 {
		return fmt.Errorf("-webhook-max-attempts must be at least 1, not %d", w.MaxAttempts)
	}
	return nil
}

// workerOptions are the options of the delivery worker.
func (w WebhookConfig) workerOptions() webhooks.WorkerOptions {
	return webhooks.WorkerOptions{
		PollInterval: w.PollInterval,
		Timeout:      w.Timeout,
		// A claim outlives the slowest attempt by as long again, which
		// leaves time to record its outcome; should recording take longer,
		// another worker sends the event again, and receivers drop the
		// duplicate by its webhook-id. The lease is also how long a
		// delivery cut off by a shutdown or crash waits to be sent again.
		Lease:       2 * w.Timeout,
		BackoffBase: w.BackoffBase,
		BackoffCap:  w.BackoffCap,
		MaxAttempts: w.MaxAttempts,
	}
}

func subscriberNames(subs []webhooks.Subscriber) []string {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.Name
	}
	return names
}

// redactKeys shows how many secrets are set, not what they are.
func redactKeys(keys [][]byte) string {
	if len(keys) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%d)", redacted, len(keys))
}
