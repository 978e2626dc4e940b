package store

import (
	"cmp"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// DB is the Postgres store. It implements dedup.Store and adds the outbox,
// webhook receipt and checkpoint methods the workers and the webhook use. It
// is safe for concurrent use.
type DB struct {
	pool              *pgxpool.Pool
	subscribers       []string
	copyPostingsAbove int // see InsertArticles
}

var _ dedup.Store = (*DB)(nil)

// querier is what the unexported helpers need; both the pool and a pgx.Tx
// satisfy it, so one helper serves a method and its ClusterTx twin.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Open connects a pool to the Postgres database at databaseURL and pings it.
// A malformed URL is an error wrapping dedup.ErrInvalid, an unreachable
// server one wrapping dedup.ErrUnavailable. Open does not migrate: call
// Migrate or check SchemaUpToDate.
func Open(ctx context.Context, databaseURL string, opts ...Option) (*DB, error) {
	o := applyOptions(opts)
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgconn redacts the password in this error.
		return nil, fmt.Errorf("open database: %w: %w", dedup.ErrInvalid, err)
	}
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; o.genericPlans && !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := &DB{pool: pool, subscribers: o.subscribers, copyPostingsAbove: cmp.Or(o.copyPostingsAbove, defaultCopyPostingsAbove)}
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// Close closes every connection of the pool; it waits for the ones in use.
func (db *DB) Close() {
	db.pool.Close()
}

// Stat returns the connection pool's statistics: connections in use and
// idle, and how often and how long acquiring one waited.
func (db *DB) Stat() *pgxpool.Stat {
	return db.pool.Stat()
}

// Ping checks that the database answers. Failure wraps dedup.ErrUnavailable.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w: %w", dedup.ErrUnavailable, err)
	}
	return nil
}

// maintainSQL vacuums and analyzes the tables that ingestion fills. VACUUM
// sets the visibility map, which keeps the candidate lookups on
// article_keys index-only; ANALYZE gives the planner row counts.
const maintainSQL = `VACUUM (ANALYZE) articles, article_keys, links, clusters`

// Maintain does after a stretch of bulk writes what autovacuum would do in
// time: a bulk load outruns it (it starts at 20% growth), and where it is
// off nothing else does it. It may run alongside writes.
func (db *DB) Maintain(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, maintainSQL)
	return pgErr("vacuum and analyze", err)
}

// maintenanceDueSQL tells, where autovacuum is off (for the server, or
// for article_keys), whether autovacuum would now vacuum article_keys (at
// least $1 rows inserted since its last vacuum) or analyze articles (rows
// changed since its last analyze: the server's autovacuum analyze
// threshold and scale factor, by default 50 and a tenth of the table).
const maintenanceDueSQL = `
SELECT NOT (current_setting('autovacuum')::bool
        AND coalesce((SELECT o.option_value::bool FROM pg_options_to_table(kc.reloptions) AS o
                      WHERE o.option_name = 'autovacuum_enabled'), true))
    AND (coalesce(ks.n_ins_since_vacuum, 0) >= $1
        OR coalesce(ars.n_mod_since_analyze, 0) >= current_setting('autovacuum_analyze_threshold')::float8
            + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(ac.reltuples, 0))
FROM pg_class AS kc
CROSS JOIN pg_class AS ac
LEFT JOIN pg_stat_user_tables AS ks ON ks.relid = kc.oid
LEFT JOIN pg_stat_user_tables AS ars ON ars.relid = ac.oid
WHERE kc.oid = 'article_keys'::regclass AND ac.oid = 'articles'::regclass`

// MaintainIfDue does what autovacuum would, where it is off: when
// article_keys has had rows rows inserted since its last vacuum, or
// articles has changed by a tenth since its last analyze, it runs Maintain
// (VACUUM (ANALYZE) of the tables ingestion fills), and reports whether it
// did.
//
// Both matter to a server. Candidate lookups are index-only scans, which
// read the table too for every posting VACUUM has not yet marked visible
// (where autovacuum is on, migration 0006 sets when it vacuums them). And
// the server's connections keep one plan per statement
// (WithGenericPlans), made when it starts: on a new, empty database those
// are plans for empty tables, and only an ANALYZE makes Postgres plan
// again.
func (db *DB) MaintainIfDue(ctx context.Context, rows int64) (bool, error) {
	var due bool
	if err := db.pool.QueryRow(ctx, maintenanceDueSQL, rows).Scan(&due); err != nil {
		return false, pgErr("check whether the tables need a vacuum", err)
	}
	if !due {
		return false, nil
	}
	err := db.Maintain(ctx)
	return err == nil, err
}

// Migrate applies the pending migrations; see the package function Migrate.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	return Migrate(ctx, db.pool)
}

// SchemaUpToDate reports whether the schema is current; see the package
// function SchemaUpToDate.
func (db *DB) SchemaUpToDate(ctx context.Context) (bool, error) {
	return SchemaUpToDate(ctx, db.pool)
}
