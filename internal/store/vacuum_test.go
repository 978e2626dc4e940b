package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
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

// maintainedByHand turns autovacuum off for the four tables whatever the
// server's setting, and puts their storage parameters back after the test.
// It returns exec, which runs a statement, and change, which runs
// statements on one connection and has it publish its statistics now
// rather than when it next goes idle for a while.
func maintainedByHand(t *testing.T, db *DB) (exec func(sql string), change func(sqls ...string)) {
	t.Helper()
	ctx := t.Context()
	exec = func(sql string) {
		t.Helper()
		if _, err := db.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
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
			reset := `ALTER TABLE ` + table + ` RESET (autovacuum_enabled, autovacuum_vacuum_insert_threshold, autovacuum_analyze_threshold, autovacuum_vacuum_cost_delay, autovacuum_vacuum_cost_limit)`
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
	change = func(sqls ...string) {
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
	return exec, change
}

// Where autovacuum is off, the server does its work (MaintainIfDue): each
// table gets what autovacuum's thresholds, read from the server's settings
// and the table's storage parameters, say it is due, and nothing else.
func TestMaintainIfDue(t *testing.T) {
	db := newTestDB(t)
	ctx := t.Context()
	exec, change := maintainedByHand(t, db)
	exec(`ALTER TABLE article_keys SET (autovacuum_vacuum_insert_threshold = 100, autovacuum_analyze_threshold = 1000000)`)
	if err := db.Maintain(ctx); err != nil {
		t.Fatal(err)
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

// Autovacuum throttles itself with its own cost delay and limit, or the
// vacuum ones where those are -1; a table's storage parameters override
// the server's settings.
func TestTableActivityVacuumCost(t *testing.T) {
	defaults := map[string]string{"autovacuum_vacuum_cost_delay": "2", "autovacuum_vacuum_cost_limit": "-1"}
	for _, c := range []struct {
		name         string
		settings     map[string]string
		options      []string
		delay, limit string
	}{
		{"server's defaults", defaults, nil, "2", ""},
		{"server's limit", map[string]string{"autovacuum_vacuum_cost_delay": "20", "autovacuum_vacuum_cost_limit": "1000"}, nil, "20", "1000"},
		{"the vacuum delay", map[string]string{"autovacuum_vacuum_cost_delay": "-1", "autovacuum_vacuum_cost_limit": "-1"}, nil, "", ""},
		{"a fraction of a millisecond", map[string]string{"autovacuum_vacuum_cost_delay": "0.5"}, nil, "0.5", ""},
		{"table's own", defaults, []string{"autovacuum_vacuum_cost_delay=0", "autovacuum_vacuum_cost_limit=500"}, "0", "500"},
		{"unknown", map[string]string{}, nil, "", ""},
	} {
		delay, limit := tableActivity{options: c.options}.vacuumCost(c.settings)
		if delay != c.delay || limit != c.limit {
			t.Errorf("%s: vacuumCost = %q, %q; want %q, %q", c.name, delay, limit, c.delay, c.limit)
		}
	}
}

// A maintenance statement runs with the cost settings it is given, and the
// connection goes back to the pool with the defaults.
func TestWithVacuumCost(t *testing.T) {
	db := newTestDB(t)
	ctx := t.Context()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	show := func() (delay, limit string) {
		t.Helper()
		if err := conn.QueryRow(ctx, `SELECT current_setting('vacuum_cost_delay'), current_setting('vacuum_cost_limit')`).Scan(&delay, &limit); err != nil {
			t.Fatal(err)
		}
		return delay, limit
	}
	d0, l0 := show()
	for _, c := range []struct{ delay, limit, wantDelay, wantLimit string }{
		{"2", "300", "2ms", "300"},
		{"2", "", "2ms", l0},
		{"", "", d0, l0},
	} {
		var d, l string
		if err := withVacuumCost(ctx, conn.Conn(), c.delay, c.limit, func() error {
			d, l = show()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if d != c.wantDelay || l != c.wantLimit {
			t.Errorf("with %q, %q: vacuum_cost_delay %s, vacuum_cost_limit %s; want %s, %s", c.delay, c.limit, d, l, c.wantDelay, c.wantLimit)
		}
		if d, l := show(); d != d0 || l != l0 {
			t.Errorf("after %q, %q: vacuum_cost_delay %s, vacuum_cost_limit %s; want the defaults %s, %s", c.delay, c.limit, d, l, d0, l0)
		}
	}
	// fn's error comes back, and the settings are reset all the same.
	want := errors.New("vacuum failed")
	if err := withVacuumCost(ctx, conn.Conn(), "2", "300", func() error { return want }); !errors.Is(err, want) {
		t.Errorf("withVacuumCost = %v, want %v", err, want)
	}
	if d, l := show(); d != d0 || l != l0 {
		t.Errorf("after a failure: vacuum_cost_delay %s, vacuum_cost_limit %s; want the defaults %s, %s", d, l, d0, l0)
	}
}

// MaintainIfDue vacuums as autovacuum would: sleeping for the table's cost
// delay whenever its work adds up to the cost limit. With a delay of 50 ms
// for every page, the vacuum is seen waiting on VacuumDelay. It checks
// whether to sleep before each page of the table, so the table gets a dozen
// pages: a vacuum of one page has nothing to sleep for.
func TestMaintainIfDueSleepsAsAutovacuum(t *testing.T) {
	db := newTestDB(t)
	ctx := t.Context()
	exec, change := maintainedByHand(t, db)
	exec(`ALTER TABLE article_keys SET (autovacuum_vacuum_insert_threshold = 100, autovacuum_analyze_threshold = 1000000,
		autovacuum_vacuum_cost_delay = 50, autovacuum_vacuum_cost_limit = 1)`)
	if err := db.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	change(`INSERT INTO article_keys (key, article_id) SELECT k, 1 FROM generate_series(1, 2000) AS k`)
	done := make(chan error, 1)
	go func() {
		ran, err := db.MaintainIfDue(ctx)
		if err == nil && !slices.Equal(ran, []string{`VACUUM article_keys`}) {
			err = fmt.Errorf("MaintainIfDue ran %q, want the vacuum of article_keys", ran)
		}
		done <- err
	}()
	for seen := false; !seen; {
		select {
		case err := <-done:
			t.Fatalf("the vacuum ended (%v) and was never seen waiting on its cost delay", err)
		default:
		}
		if err := db.pool.QueryRow(ctx, `
SELECT count(*) > 0 FROM pg_stat_activity
WHERE query = 'VACUUM article_keys' AND wait_event = 'VacuumDelay'`).Scan(&seen); err != nil {
			t.Fatal(err)
		}
		if !seen {
			time.Sleep(5 * time.Millisecond) // the vacuum sleeps 50 ms at a time
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
