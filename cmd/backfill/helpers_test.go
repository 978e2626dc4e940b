package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/pgtest"
	_ "modernc.org/sqlite" // the embedded store's driver, to inspect its file
)

// testDatabaseURL creates an empty database for the test and returns its URL.
func testDatabaseURL(tb testing.TB) string {
	tb.Helper()
	return pgtest.DatabaseURL(tb, "newsdedup_backfill")
}

// backend is a store a test backfills into: its flags, and a way to read
// back what was stored.
type backend struct {
	name string
	// flags select the store; new returns fresh ones each call.
	new func(tb testing.TB) []string
}

var backends = []backend{
	{name: "embedded", new: func(tb testing.TB) []string { return []string{"-data-dir", tb.TempDir()} }},
	{name: "postgres", new: func(tb testing.TB) []string { return []string{"-database-url", testDatabaseURL(tb)} }},
}

// storedArticle is one row of the articles table.
type storedArticle struct {
	Source, ExternalID string
	ClusterID          int64
	Matched            bool
}

const listStoredSQL = `
SELECT source, coalesce(external_id, ''), cluster_id, matched
FROM articles
ORDER BY id`

// listStored reads every article of the store that flags select.
func listStored(tb testing.TB, flags []string) []storedArticle {
	tb.Helper()
	if flags[0] != "-data-dir" {
		return listStoredPG(tb, flags[1])
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(flags[1], "newsdedup.db")+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(listStoredSQL)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []storedArticle
	for rows.Next() {
		var a storedArticle
		if err := rows.Scan(&a.Source, &a.ExternalID, &a.ClusterID, &a.Matched); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func listStoredPG(tb testing.TB, dbURL string) []storedArticle {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, listStoredSQL)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[storedArticle])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// partition groups the stored articles' external ids by cluster: sorted
// groups, each sorted, so that two stores can be compared whatever ids
// they gave.
func partition(articles []storedArticle) [][]string {
	byCluster := map[int64][]string{}
	for _, a := range articles {
		byCluster[a.ClusterID] = append(byCluster[a.ClusterID], a.Source+"/"+a.ExternalID)
	}
	out := make([][]string, 0, len(byCluster))
	for _, ids := range byCluster {
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

// checkStoredOnce fails unless want lists every stored article exactly once,
// each of them matched.
func checkStoredOnce(tb testing.TB, got []storedArticle, want []string) {
	tb.Helper()
	seen := map[string]int{}
	for _, a := range got {
		seen[a.Source+"/"+a.ExternalID]++
		if !a.Matched {
			tb.Errorf("article %s/%s is stored but not matched", a.Source, a.ExternalID)
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			tb.Errorf("article %s stored %d times, want once", id, seen[id])
		}
		delete(seen, id)
	}
	for id, n := range seen {
		tb.Errorf("unexpected article %s stored %d times", id, n)
	}
}

// syncBuffer is a bytes.Buffer that a run may write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runBackfill calls run with args and no environment, and returns its log.
func runBackfill(ctx context.Context, tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	var out syncBuffer
	err := run(ctx, args, func(string) string { return "" }, &out, io.Discard)
	return out.String(), err
}

// summary returns the attributes of the summary line of a run's log.
func summary(tb testing.TB, log string) map[string]string {
	tb.Helper()
	for line := range strings.Lines(log) {
		if !strings.Contains(line, `msg="backfill `) && !strings.Contains(line, `msg="dry run`) {
			continue
		}
		if strings.Contains(line, "progress") {
			continue
		}
		attrs := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				attrs[k] = v
			}
		}
		return attrs
	}
	tb.Fatalf("no summary line in the log:\n%s", log)
	return nil
}

func writeFile(tb testing.TB, path, content string) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
