package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"

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
var maintainSQL = "VACUUM (ANALYZE) " + strings.Join(maintainedTables, ", ")

// Maintain does after a stretch of bulk writes what autovacuum would do in
// time: a bulk load outruns it (it starts at 20% growth), and where it is
// off nothing else does it. It may run alongside writes.
func (db *DB) Maintain(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, maintainSQL)
	return pgErr("vacuum and analyze", err)
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
