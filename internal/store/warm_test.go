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
		rows, _ := c.Query(ctx, "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
		planned := map[string]int64{}
		for rows.Next() {
			var s string
			var n int64
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			planned[s] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for _, sql := range warmStatements {
			if n, ok := planned[sql]; !ok {
				t.Errorf("connection %s: not prepared: %.60q", pid, sql)
			} else if n == 0 {
				t.Errorf("connection %s: prepared, never planned: %.60q", pid, sql)
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
	// Planning the writes wrote nothing, not even a sequence value.
	var rows int64
	var called bool
	if err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM clusters)
		+ (SELECT count(*) FROM links) + (SELECT count(*) FROM outbox), (SELECT is_called FROM clusters_id_seq)`).Scan(&rows, &called); err != nil {
		t.Fatal(err)
	}
	if rows != 0 || called {
		t.Errorf("after Warm: %d rows stored, cluster id sequence used: %v; want none", rows, called)
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
