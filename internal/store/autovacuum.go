package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// maintainedTables are the tables ingestion fills: the ones Maintain
// vacuums and analyzes, and MaintainIfDue watches.
var maintainedTables = []string{"articles", "article_keys", "links", "clusters"}

// tableActivitySQL reads, for each of maintainedTables, what autovacuum
// decides on: its row estimate, its storage parameters (migration 0006 sets
// article_keys' insert threshold) and its changes since its last vacuum
// and analyze.
const tableActivitySQL = `
SELECT c.relname, c.reltuples, coalesce(c.reloptions, '{}'),
    coalesce(s.n_dead_tup, 0), coalesce(s.n_ins_since_vacuum, 0), coalesce(s.n_mod_since_analyze, 0)
FROM pg_class AS c
LEFT JOIN pg_stat_user_tables AS s ON s.relid = c.oid
WHERE c.oid = ANY($1::regclass[])
ORDER BY c.relname`

// autovacuumSettingsSQL reads the server's autovacuum settings, which a
// table's storage parameters of the same name override.
const autovacuumSettingsSQL = `
SELECT name, setting FROM pg_settings WHERE name LIKE 'autovacuum%'`

// tableActivity is what autovacuum knows of one table.
type tableActivity struct {
	name                 string
	reltuples            float64  // -1: never vacuumed or analyzed
	options              []string // storage parameters, "name=value"
	dead                 int64
	insertedSinceVacuum  int64
	modifiedSinceAnalyze int64
}

// due reports what autovacuum would now do to t, given the server's
// settings (name → value, from pg_settings): vacuum it (dead rows, or rows
// inserted since its last vacuum, past their thresholds) and analyze it
// (rows changed since its last analyze past theirs). A threshold is
// base + scale factor × rows, each from t's storage parameters or else the
// server's settings, as in the autovacuum section of the Postgres manual.
// It reports false for both where autovacuum is on for t: it will act
// itself.
func (t tableActivity) due(settings map[string]string) (vacuum, analyze bool) {
	get, num := t.setting(settings), t.number(settings)
	// Postgres spells booleans on/off, true/false, yes/no or 1/0, in any
	// case and as any unique prefix; its settings say on or off.
	on := func(name string) bool {
		v := strings.ToLower(get(name))
		return v != "" && (v == "on" || strings.HasPrefix("true", v) || strings.HasPrefix("yes", v) || v == "1")
	}
	if on("autovacuum") && (get("autovacuum_enabled") == "" || on("autovacuum_enabled")) {
		return false, false
	}
	rows := max(t.reltuples, 0)
	over := func(n int64, base, scale string) bool {
		b, s := num(base), num(scale)
		return b >= 0 && s >= 0 && float64(n) >= b+s*rows
	}
	vacuum = over(t.dead, "autovacuum_vacuum_threshold", "autovacuum_vacuum_scale_factor") ||
		over(t.insertedSinceVacuum, "autovacuum_vacuum_insert_threshold", "autovacuum_vacuum_insert_scale_factor")
	analyze = over(t.modifiedSinceAnalyze, "autovacuum_analyze_threshold", "autovacuum_analyze_scale_factor")
	return vacuum, analyze
}

// setting returns a function that reads one of t's autovacuum settings:
// its own storage parameter, or else the server's setting.
func (t tableActivity) setting(settings map[string]string) func(name string) string {
	return func(name string) string {
		for _, o := range t.options {
			if k, v, ok := strings.Cut(o, "="); ok && k == name {
				return v
			}
		}
		return settings[name]
	}
}

// number is setting for a number; -1 where it is unknown.
func (t tableActivity) number(settings map[string]string) func(name string) float64 {
	get := t.setting(settings)
	return func(name string) float64 {
		f, err := strconv.ParseFloat(get(name), 64)
		if err != nil {
			return -1 // unknown: a threshold that never triggers, a cost that is not set
		}
		return f
	}
}

// vacuumCost returns the cost-based delay (in ms) and cost limit that
// autovacuum would vacuum and analyze t with, as vacuum_cost_delay and
// vacuum_cost_limit take them; "" for the session's own (where the
// autovacuum setting is -1: "use the vacuum one").
//
// Autovacuum sleeps for the delay each time its work adds up to the limit
// (2 ms per 200 units by default), so that a vacuum shares the machine
// with the queries; a VACUUM statement does not sleep by default. At
// 1,000,000 stored articles, on two busy cores, an unthrottled vacuum of
// article_keys made up to half the server's POSTs take over 100 ms while
// it ran (docs/BENCHMARKS.md, "Vacuums that share the machine").
func (t tableActivity) vacuumCost(settings map[string]string) (delay, limit string) {
	num := t.number(settings)
	if d := num("autovacuum_vacuum_cost_delay"); d >= 0 {
		delay = strconv.FormatFloat(d, 'f', -1, 64)
	}
	if l := num("autovacuum_vacuum_cost_limit"); l >= 1 {
		limit = strconv.FormatFloat(l, 'f', -1, 64)
	}
	return delay, limit
}

// setVacuumCostSQL sets the session's vacuum_cost_delay and
// vacuum_cost_limit to $1 and $2, or back to their defaults where those
// are empty.
const setVacuumCostSQL = `
SELECT set_config(name, coalesce(nullif(CASE name WHEN 'vacuum_cost_delay' THEN $1 ELSE $2 END, ''), reset_val), false)
FROM pg_settings WHERE name IN ('vacuum_cost_delay', 'vacuum_cost_limit')`

// withVacuumCost runs fn with conn's vacuum_cost_delay and
// vacuum_cost_limit set to delay and limit ("": the default), and sets them
// back to their defaults before it returns. A connection whose settings
// could not be set back is closed, so that the pool does not hand it out
// again.
func withVacuumCost(ctx context.Context, conn *pgx.Conn, delay, limit string, fn func() error) error {
	if _, err := conn.Exec(ctx, setVacuumCostSQL, delay, limit); err != nil {
		return pgErr("set the vacuum cost", err)
	}
	err := fn()
	if _, rerr := conn.Exec(context.WithoutCancel(ctx), setVacuumCostSQL, "", ""); rerr != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		err = errors.Join(err, pgErr("reset the vacuum cost", rerr))
	}
	return err
}

// MaintainIfDue does what autovacuum would, where it is off (for the
// server, or for a table): it vacuums and analyzes each table that
// ingestion fills once autovacuum's own thresholds say it would, and
// returns the statements it ran (none when nothing was due).
//
// Both matter to a server. Candidate lookups are index-only scans, which
// read the table too for every posting VACUUM has not yet marked visible
// (migration 0006 sets how often article_keys is due). And the server's
// connections keep one plan per statement (WithGenericPlans), made when
// it starts: on a new, empty database those are plans for empty tables,
// and only an ANALYZE makes Postgres plan again.
//
// Each table gets only what it is due: vacuuming article_keys, which is
// due about every 10,000 articles, scans only the pages written since its
// last vacuum, while a vacuum of articles scans its indexes too.
func (db *DB) MaintainIfDue(ctx context.Context) ([]string, error) {
	rows, _ := db.pool.Query(ctx, autovacuumSettingsSQL)
	settings := make(map[string]string)
	var name, value string
	if _, err := pgx.ForEachRow(rows, []any{&name, &value}, func() error {
		settings[name] = value
		return nil
	}); err != nil {
		return nil, pgErr("read the autovacuum settings", err)
	}
	// The names come from maintainedTables, so they need no quoting.
	rows, _ = db.pool.Query(ctx, tableActivitySQL, maintainedTables)
	var t tableActivity
	var run []string
	var costs [][2]string // each statement's vacuum cost delay and limit
	if _, err := pgx.ForEachRow(rows, []any{&t.name, &t.reltuples, &t.options, &t.dead, &t.insertedSinceVacuum, &t.modifiedSinceAnalyze}, func() error {
		switch vacuum, analyze := t.due(settings); {
		case vacuum && analyze:
			run = append(run, "VACUUM (ANALYZE) "+t.name)
		case vacuum:
			run = append(run, "VACUUM "+t.name)
		case analyze:
			run = append(run, "ANALYZE "+t.name)
		default:
			return nil
		}
		delay, limit := t.vacuumCost(settings)
		costs = append(costs, [2]string{delay, limit})
		return nil
	}); err != nil {
		return nil, pgErr("check whether the tables need a vacuum", err)
	}
	if len(run) == 0 {
		return nil, nil
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, pgErr("maintain", err)
	}
	defer conn.Release()
	for i, sql := range run {
		if err := withVacuumCost(ctx, conn.Conn(), costs[i][0], costs[i][1], func() error {
			_, err := conn.Exec(ctx, sql)
			return err
		}); err != nil {
			return run[:i], pgErr(fmt.Sprintf("maintain (%s)", sql), err)
		}
	}
	return run, nil
}
