package store

import (
	"context"
	"slices"
	"testing"
)

// Matching reads article_keys by index-only scans, which visit the table for
// every posting on a page that VACUUM has not marked all-visible yet. The
// schema asks autovacuum to get there after every ~10,000 articles rather
// than after the default fifth of the table (migration 0006).
func TestArticleKeysVacuumedAfterInserts(t *testing.T) {
	db := newTestDB(t)
	var opts []string
	if err := db.pool.QueryRow(t.Context(),
		`SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = 'article_keys'::regclass`).Scan(&opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"autovacuum_vacuum_insert_scale_factor=0", "autovacuum_vacuum_insert_threshold=500000"} {
		if !slices.Contains(opts, want) {
			t.Errorf("article_keys reloptions = %v, want %s among them", opts, want)
		}
	}
}

// Where autovacuum is off, the server vacuums and analyzes the tables
// itself once article_keys has taken enough rows or articles has grown by
// a tenth (MaintainIfDue); where it is on, it leaves that to autovacuum.
func TestMaintainIfDue(t *testing.T) {
	db := newTestDB(t)
	ctx := t.Context()
	exec := func(sql string) {
		t.Helper()
		if _, err := db.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`ALTER TABLE article_keys SET (autovacuum_enabled = false)`)
	t.Cleanup(func() {
		if _, err := db.pool.Exec(context.Background(), `ALTER TABLE article_keys RESET (autovacuum_enabled)`); err != nil {
			t.Error(err)
		}
	})
	if err := db.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	// Change the tables on one connection and have it publish its
	// statistics now rather than when it next goes idle for a while.
	change := func(sqls ...string) {
		t.Helper()
		conn, err := db.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		for _, sql := range append(sqls, `SELECT pg_stat_force_next_flush()`, `SELECT 1`) {
			if _, err := conn.Exec(ctx, sql); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
	}
	counts := func() (vacuums, analyzes int64) {
		t.Helper()
		if err := db.pool.QueryRow(ctx, `
SELECT (SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'article_keys'::regclass),
    (SELECT analyze_count FROM pg_stat_user_tables WHERE relid = 'articles'::regclass)`).Scan(&vacuums, &analyzes); err != nil {
			t.Fatal(err)
		}
		return vacuums, analyzes
	}
	due := func(rows int64, want bool) {
		t.Helper()
		v0, a0 := counts()
		did, err := db.MaintainIfDue(ctx, rows)
		if err != nil || did != want {
			t.Fatalf("MaintainIfDue(%d) = %v, %v; want %v", rows, did, err, want)
		}
		if v, a := counts(); want && (v != v0+1 || a != a0+1) {
			t.Errorf("vacuums of article_keys %d → %d, analyzes of articles %d → %d; want one more each", v0, v, a0, a)
		}
	}

	change(`INSERT INTO article_keys (key, article_id) SELECT k, 1 FROM generate_series(1, 100) AS k`)
	due(101, false)
	due(100, true)
	due(1, false)

	// articles, never analyzed with rows in it: due after 50 changed rows.
	change(`INSERT INTO clusters (id, canonical_id, size) SELECT -k, -k, 1 FROM generate_series(1, 60) AS k`,
		`INSERT INTO articles (id, source, external_id, body, format, cluster_id, fp_version, content_hash, simhash, tokens)
		 SELECT -k, 't', 'x' || k, 'b', 'text', -k, 1, k, k, 1 FROM generate_series(1, 60) AS k`)
	due(1<<40, true)
	due(1<<40, false)

	// With autovacuum on for the table (and the server), autovacuum does it.
	exec(`ALTER TABLE article_keys RESET (autovacuum_enabled)`)
	var on bool
	if err := db.pool.QueryRow(ctx, `SELECT current_setting('autovacuum')::bool`).Scan(&on); err != nil {
		t.Fatal(err)
	}
	change(`INSERT INTO article_keys (key, article_id) SELECT k, 2 FROM generate_series(1, 10) AS k`)
	due(0, !on)
}
