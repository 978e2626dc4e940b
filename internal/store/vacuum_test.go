package store

import (
	"context"
	"maps"
	"slices"
	"strings"
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

// Where autovacuum is off, the server does its work (MaintainIfDue): each
// table gets what autovacuum's thresholds, read from the server's settings
// and the table's storage parameters, say it is due, and nothing else.
func TestMaintainIfDue(t *testing.T) {
	db := newTestDB(t)
	ctx := t.Context()
	exec := func(sql string) {
		t.Helper()
		if _, err := db.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Turn autovacuum off for the four tables whatever the server's
	// setting, give article_keys a small insert threshold and no analyze
	// one, and put their storage parameters back afterwards.
	saved := make(map[string][]string)
	for _, table := range maintainedTables {
		var opts []string
		if err := db.pool.QueryRow(ctx, `SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = $1::regclass`, table).Scan(&opts); err != nil {
			t.Fatal(err)
		}
		saved[table] = opts
		exec(`ALTER TABLE ` + table + ` SET (autovacuum_enabled = false)`)
	}
	t.Cleanup(func() {
		for table, opts := range saved {
			reset := `ALTER TABLE ` + table + ` RESET (autovacuum_enabled, autovacuum_vacuum_insert_threshold, autovacuum_analyze_threshold)`
			if _, err := db.pool.Exec(context.Background(), reset); err != nil {
				t.Error(err)
			}
			if len(opts) > 0 {
				if _, err := db.pool.Exec(context.Background(), `ALTER TABLE `+table+` SET (`+strings.Join(opts, ", ")+`)`); err != nil {
					t.Error(err)
				}
			}
		}
	})
	exec(`ALTER TABLE article_keys SET (autovacuum_vacuum_insert_threshold = 100, autovacuum_analyze_threshold = 1000000)`)
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
	counts := func() (keyVacuums, articleAnalyzes int64) {
		t.Helper()
		if err := db.pool.QueryRow(ctx, `
SELECT (SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'article_keys'::regclass),
    (SELECT analyze_count FROM pg_stat_user_tables WHERE relid = 'articles'::regclass)`).Scan(&keyVacuums, &articleAnalyzes); err != nil {
			t.Fatal(err)
		}
		return keyVacuums, articleAnalyzes
	}
	due := func(want ...string) {
		t.Helper()
		v0, a0 := counts()
		ran, err := db.MaintainIfDue(ctx)
		if err != nil || !slices.Equal(ran, want) {
			t.Fatalf("MaintainIfDue ran %q, %v; want %q", ran, err, want)
		}
		// ran1 is 1 when want holds either statement: it counts once.
		ran1 := func(either ...string) int64 {
			if slices.ContainsFunc(want, func(s string) bool { return slices.Contains(either, s) }) {
				return 1
			}
			return 0
		}
		v, a := counts()
		if wantV := v0 + ran1(`VACUUM article_keys`, `VACUUM (ANALYZE) article_keys`); v != wantV {
			t.Errorf("vacuums of article_keys %d → %d, want %d", v0, v, wantV)
		}
		if wantA := a0 + ran1(`ANALYZE articles`, `VACUUM (ANALYZE) articles`); a != wantA {
			t.Errorf("analyzes of articles %d → %d, want %d", a0, a, wantA)
		}
	}

	due()
	change(`INSERT INTO article_keys (key, article_id) SELECT k, 1 FROM generate_series(1, 99) AS k`)
	due()
	change(`INSERT INTO article_keys (key, article_id) VALUES (100, 1)`)
	due(`VACUUM article_keys`)
	due()

	// articles and clusters, empty when last analyzed: due after 50
	// changed rows (autovacuum_analyze_threshold's default).
	change(`INSERT INTO clusters (id, canonical_id, size) SELECT -k, -k, 1 FROM generate_series(1, 200) AS k`,
		`INSERT INTO articles (id, source, external_id, body, format, cluster_id, fp_version, content_hash, simhash, tokens)
		 SELECT -k, 't', 'x' || k, 'b', 'text', -k, 1, k, k, 1 FROM generate_series(1, 200) AS k`)
	due(`ANALYZE articles`, `ANALYZE clusters`)
	due()
	// Deleted rows count towards a vacuum: 50 dead ones plus a fifth of
	// the 200 the analyze counted (and one more, against rounding).
	change(`DELETE FROM articles WHERE id >= -91`)
	due(`VACUUM (ANALYZE) articles`)

	// With autovacuum on for the table (and the server), autovacuum does it.
	exec(`ALTER TABLE article_keys RESET (autovacuum_enabled)`)
	var on bool
	if err := db.pool.QueryRow(ctx, `SELECT current_setting('autovacuum')::bool`).Scan(&on); err != nil {
		t.Fatal(err)
	}
	change(`INSERT INTO article_keys (key, article_id) SELECT k, 2 FROM generate_series(1, 100) AS k`)
	if on {
		due()
	} else {
		due(`VACUUM article_keys`)
	}
}

func TestTableActivityDue(t *testing.T) {
	defaults := map[string]string{
		"autovacuum":                            "off",
		"autovacuum_vacuum_threshold":           "50",
		"autovacuum_vacuum_scale_factor":        "0.2",
		"autovacuum_vacuum_insert_threshold":    "1000",
		"autovacuum_vacuum_insert_scale_factor": "0.2",
		"autovacuum_analyze_threshold":          "50",
		"autovacuum_analyze_scale_factor":       "0.1",
	}
	on := maps.Clone(defaults)
	on["autovacuum"] = "on"
	for _, c := range []struct {
		name             string
		settings         map[string]string
		t                tableActivity
		vacuum, analyzes bool
	}{
		{"nothing changed", defaults, tableActivity{reltuples: 1000}, false, false},
		{"never analyzed counts as empty", defaults, tableActivity{reltuples: -1, modifiedSinceAnalyze: 50}, false, true},
		{"analyze below threshold", defaults, tableActivity{reltuples: 1000, modifiedSinceAnalyze: 149}, false, false},
		{"analyze at threshold", defaults, tableActivity{reltuples: 1000, modifiedSinceAnalyze: 150}, false, true},
		{"dead rows", defaults, tableActivity{reltuples: 1000, dead: 250}, true, false},
		{"dead rows below", defaults, tableActivity{reltuples: 1000, dead: 249}, false, false},
		{"inserts", defaults, tableActivity{reltuples: 1000, insertedSinceVacuum: 1200, modifiedSinceAnalyze: 1200}, true, true},
		{"inserts below", defaults, tableActivity{reltuples: 1000, insertedSinceVacuum: 1199}, false, false},
		{"table's insert threshold", defaults, tableActivity{reltuples: 1e8, insertedSinceVacuum: 500,
			options: []string{"autovacuum_vacuum_insert_threshold=500", "autovacuum_vacuum_insert_scale_factor=0"}}, true, false},
		{"insert vacuums turned off", defaults, tableActivity{reltuples: 0, insertedSinceVacuum: 1e9,
			options: []string{"autovacuum_vacuum_insert_threshold=-1"}}, false, false},
		{"autovacuum on", on, tableActivity{reltuples: 0, dead: 1e6, modifiedSinceAnalyze: 1e6}, false, false},
		{"autovacuum on but not for the table", on, tableActivity{reltuples: 0, dead: 1e6,
			options: []string{"autovacuum_enabled=false"}}, true, false},
		{"table's own spelling of off", on, tableActivity{reltuples: 0, dead: 1e6,
			options: []string{"autovacuum_enabled=OFF"}}, true, false},
		{"autovacuum off but on for the table", defaults, tableActivity{reltuples: 0, dead: 1e6,
			options: []string{"autovacuum_enabled=true"}}, true, false},
	} {
		if v, a := c.t.due(c.settings); v != c.vacuum || a != c.analyzes {
			t.Errorf("%s: due = vacuum %v, analyze %v; want %v, %v", c.name, v, a, c.vacuum, c.analyzes)
		}
	}
}
