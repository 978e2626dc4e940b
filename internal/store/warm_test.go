package store

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestWarmOpensAndPreparesEveryConnection(t *testing.T) {
	db := newTestDB(t, WithMaxConns(3))
	ctx := context.Background()
	if got := db.pool.Stat().TotalConns(); got > 1 {
		t.Fatalf("%d connections before Warm, want at most the one Open pinged with", got)
	}
	if err := db.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if got := db.pool.Stat().IdleConns(); got != 3 {
		t.Fatalf("%d idle connections after Warm, want 3", got)
	}
	// Every connection holds the statements, under their own text.
	conns := make([]string, 0, 3)
	var held []*pgxpool.Conn
	for range 3 {
		c, err := db.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		var pid string
		if err := c.QueryRow(ctx, "SELECT pg_backend_pid()::text").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, pid)
		rows, _ := c.Query(ctx, "SELECT statement FROM pg_prepared_statements")
		var prepared []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			prepared = append(prepared, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for _, sql := range warmStatements {
			if !slices.Contains(prepared, sql) {
				t.Errorf("connection %s: not prepared: %.60q", pid, sql)
			}
		}
	}
	slices.Sort(conns)
	if len(slices.Compact(conns)) != 3 {
		t.Errorf("backends %v: want 3 distinct", conns)
	}
	if got := db.pool.Stat().TotalConns(); got != 3 {
		t.Errorf("%d connections, want no more than the 3 Warm opened", got)
	}
	for _, c := range held {
		c.Release()
	}
	// The prepared statements serve the store's own queries: an insert and
	// a candidate lookup work on a warmed pool.
	fp := &dedup.Fingerprint{Version: 1, Keys: []uint64{1, 2}}
	if _, err := db.InsertArticles(ctx, []dedup.NewArticle{{Article: &dedup.Article{Source: "s", Body: "b"}, Fingerprint: fp}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListCandidates(ctx, []dedup.CandidateQuery{{Keys: []uint64{1}}})
	if err != nil || len(got) != 1 || len(got[0]) != 1 {
		t.Errorf("ListCandidates on a warmed pool = %v, %v; want the article", got, err)
	}
}
