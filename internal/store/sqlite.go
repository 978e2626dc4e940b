package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/migrations"
)

// embeddedFile is the database file inside the data directory.
const embeddedFile = "newsdedup.db"

// Embedded is the on-disk store for running without a Postgres server: one
// SQLite database (pure Go, no cgo) in a data directory. It implements
// dedup.Store with the same methods and semantics as DB and passes the same
// conformance suite. It is safe for concurrent use within one process.
//
// SQLite allows one writer at a time, so every write goes through a single
// connection, in BEGIN IMMEDIATE transactions that take the write lock up
// front (another process waits up to the busy timeout). Reads use a pool of
// read-only connections that WAL mode lets run alongside the writer.
//
// The modernc driver speaks database/sql only, which is why this store, unlike
// DB, uses it.
type Embedded struct {
	w           *sql.DB // exactly one connection: the writer
	r           *sql.DB // readers
	subscribers []string
}

var _ dedup.Store = (*Embedded)(nil)

// busyTimeoutMillis is how long a connection waits for another process's
// write lock before failing with SQLITE_BUSY.
const busyTimeoutMillis = 5000

// OpenEmbedded opens, creating it if needed, the embedded store in dir and
// applies its pending migrations. Options other than WithSubscribers do not
// apply to it.
func OpenEmbedded(ctx context.Context, dir string, opts ...Option) (*Embedded, error) {
	o := applyOptions(opts)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open embedded store: %w", err)
	}
	path := filepath.Join(dir, embeddedFile)
	w, err := openSQLite(path, writerParams(), 1)
	if err != nil {
		return nil, err
	}
	e := &Embedded{w: w, subscribers: o.subscribers}
	if err := e.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	// Readers open after the writer has created the file and set WAL mode.
	e.r, err = openSQLite(path, readerParams(), max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		w.Close()
		return nil, err
	}
	return e, nil
}

func writerParams() url.Values {
	return url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeoutMillis)},
		"_journal_mode": {"WAL"},
		"_synchronous":  {"NORMAL"}, // with WAL: durable across crashes of the process, not of the OS
		"_foreign_keys": {"1"},
		"_txlock":       {"immediate"},
		// Statement journals (each multi-row write keeps one to undo just
		// that statement) in memory rather than in temporary files, and a
		// 64 MiB page cache: postings go to random places in the key index.
		// Together they halve the time of a backfill batch.
		"_pragma": {"temp_store(MEMORY)", "cache_size(-65536)"},
	}
}

func readerParams() url.Values {
	return url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeoutMillis)},
		"_foreign_keys": {"1"},
		"_query_only":   {"1"},
	}
}

func openSQLite(path string, params url.Values, conns int) (*sql.DB, error) {
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: params.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open embedded store: %w", err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Maintain refreshes the query planner's statistics after a stretch of
// bulk writes, as DB.Maintain does.
func (e *Embedded) Maintain(ctx context.Context) error {
	_, err := e.w.ExecContext(ctx, "ANALYZE")
	return liteErr("analyze", err)
}

// Close closes the store's connections.
func (e *Embedded) Close() error {
	errR := e.r.Close()
	errW := e.w.Close()
	if errW != nil {
		return fmt.Errorf("close embedded store: %w", errW)
	}
	if errR != nil {
		return fmt.Errorf("close embedded store: %w", errR)
	}
	return nil
}

// Ping checks that the database file can be read.
func (e *Embedded) Ping(ctx context.Context) error {
	if err := e.r.PingContext(ctx); err != nil {
		return liteErr("ping embedded store", err)
	}
	return nil
}

// liteQuerier is what the unexported helpers need; *sql.DB and *sql.Tx both
// satisfy it.
type liteQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs fn in a write transaction (BEGIN IMMEDIATE, through _txlock) on
// the writer connection, and commits if fn returns nil.
func (e *Embedded) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return inTx(ctx, e.w, nil, fn)
}

// read runs fn in a read transaction, so that it sees one snapshot.
func (e *Embedded) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return inTx(ctx, e.r, &sql.TxOptions{ReadOnly: true}, fn)
}

func inTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// unixMicro is how the embedded store keeps a time.
func unixMicro(t time.Time) int64 { return t.UnixMicro() }

// nullUnixMicro maps the zero time to NULL.
func nullUnixMicro(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromUnixMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullUnixMicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromUnixMicro(v.Int64)
}

// nowMicro is the current time as the embedded store keeps it.
func nowMicro() int64 { return time.Now().UnixMicro() }

func sqliteMigrations() ([]migration, error) {
	sub, err := fs.Sub(migrations.SQLiteFS, "sqlite")
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return loadMigrations(sub)
}
