package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/pgtest"
)

// sharedDir returns ../shared/<rel> beside the repository, skipping the test
// (failing it in CI) when it is missing.
func sharedDir(t *testing.T, rel string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", rel))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		pgtest.SkipOrFail(t, "this test reads "+dir+", the shared data beside the repository: "+err.Error())
	}
	return dir
}

// headLines copies the first n lines of a file into a temporary file.
func headLines(t *testing.T, path string, n int) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfterN(string(b), "\n", n+1)
	return writeFile(t, filepath.Join(t.TempDir(), filepath.Base(path)), strings.Join(lines[:min(n, len(lines))], ""))
}

// ingestOneByOne ingests every record of input through dedup.Service.Ingest,
// one article at a time as the HTTP API does, into the store flags select.
func ingestOneByOne(ctx context.Context, t *testing.T, input string, flags []string) {
	t.Helper()
	cfg, err := parseConfig(append(append([]string{}, flags...), input), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	st, closeStore, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	svc := dedup.NewService(st, dedup.Options{})
	r, err := archive.Open(input, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		var rej *archive.RejectError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &rej):
			continue
		case err != nil:
			t.Fatal(err)
		}
		if _, err := svc.Ingest(ctx, rec.Input); err != nil && !errors.Is(err, dedup.ErrInvalid) {
			t.Fatalf("ingest %s: %v", rec.Pos, err)
		}
	}
}

// limits bound how many articles of newsdup-dev the equivalence test
// ingests, to stay near a minute: all on the embedded store, a prefix on
// Postgres (where one-at-a-time ingest is slower), fewer under the race
// detector.
var limits = map[string]int{"embedded": 0, "postgres": 600, "race": 500}

// TestSameClustersAsOneByOne backfills the newsdup-dev benchmark and ingests
// it again one article at a time through the service, and compares the
// clusters, on each store.
func TestSameClustersAsOneByOne(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 3,668 articles twice; skipped with -short")
	}
	all := filepath.Join(sharedDir(t, filepath.Join("eval", "newsdup-dev")), "docs.jsonl")
	ctx := context.Background()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			docs, limit := all, limits[be.name]
			if raceEnabled {
				limit = limits["race"]
			}
			if limit > 0 {
				docs = headLines(t, all, limit)
				t.Logf("the first %d articles only", limit)
			}
			start := time.Now()
			batched := be.new(t)
			if log, err := runBackfill(ctx, t, append(batched, docs)...); err != nil {
				t.Fatalf("backfill: %v\n%s", err, log)
			}
			t.Logf("backfill: %s", time.Since(start).Round(time.Millisecond))

			start = time.Now()
			single := be.new(t)
			ingestOneByOne(ctx, t, docs, single)
			t.Logf("one at a time: %s", time.Since(start).Round(time.Millisecond))

			got, want := listStored(t, batched), listStored(t, single)
			if len(got) != len(want) {
				t.Errorf("backfill stored %d articles, one-at-a-time ingest %d", len(got), len(want))
			}
			if diff := cmp.Diff(partition(want), partition(got)); diff != "" {
				t.Errorf("clusters differ (-one at a time +backfill):\n%s", diff)
			}
		})
	}
}
