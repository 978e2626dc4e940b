package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// childRun is one run of a system in a child process.
type childRun struct {
	Spec     string
	Docs     string // docs.jsonl
	Limit    int
	Pred     string // predictions folder; empty writes none
	Budget   time.Duration
	Window   int
	MaxLinks int
}

// runChildProcess runs the bench binary itself as a child on one system
// and returns what it reports. The child's stderr goes to stderr.
func runChildProcess(ctx context.Context, cfg *Config, r childRun, stderr io.Writer) (*childStats, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	args := []string{cmdChild, "-spec", r.Spec, "-docs", r.Docs, "-pg-url", cfg.PGURL,
		"-limit", fmt.Sprint(r.Limit), "-pred", r.Pred, "-budget", r.Budget.String(), "-window", fmt.Sprint(r.Window), "-max-links", fmt.Sprint(r.MaxLinks)}
	cmd := exec.CommandContext(ctx, exe, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	// On timeout or cancel, SIGINT first so that pg_trgm drops its
	// database; WaitDelay then kills.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("child %s on %s: %w", r.Spec, r.Docs, err)
	}
	var st childStats
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		return nil, fmt.Errorf("child %s on %s: read stats: %w", r.Spec, r.Docs, err)
	}
	return &st, nil
}

// score is score.py's --json output.
type score map[string]any

// num returns a numeric field, or false when it is absent or null.
func (s score) num(key string) (float64, bool) {
	f, ok := s[key].(float64)
	return f, ok
}

// runScore scores a predictions folder against a benchmark.
func runScore(ctx context.Context, cfg *Config, bench, pred string) (score, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cfg.Python, cfg.Score, bench, pred, "--json")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("score %s: %w: %s", pred, err, errb.String())
	}
	var s score
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		return nil, fmt.Errorf("score %s: %w", pred, err)
	}
	return s, nil
}
