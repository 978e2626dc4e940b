package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsdedup/newsdedup/migrations"
)

// migrateLockKey is the pg_advisory_lock key that serializes Migrate across
// processes, so several replicas can start at once. Any fixed value works as
// long as nothing else in the database uses it; this one spells "newsdedu".
const migrateLockKey int64 = 0x6e65777364656475

// migration is one numbered schema file.
type migration struct {
	version int
	name    string // file name, such as 0001_create_articles.sql
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// loadMigrations reads the *.sql files at the top of fsys in version order.
// It rejects badly named files and duplicate version numbers, which would make
// the order in which two files run depend on their names.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	var ms []migration
	seen := make(map[int]string)
	for _, name := range names {
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("load migrations: %q is not named NNNN_description.sql", name)
		}
		version, _ := strconv.Atoi(m[1]) // four digits always parse
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("load migrations: %s and %s share version %d", other, name, version)
		}
		seen[version] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		ms = append(ms, migration{version: version, name: name, sql: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// pending returns the migrations whose version is not in applied.
func pending(ms []migration, applied map[int]bool) []migration {
	var out []migration
	for _, m := range ms {
		if !applied[m.version] {
			out = append(out, m)
		}
	}
	return out
}

const createSchemaMigrationsSQL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

const lockMigrateSQL = `
SELECT pg_advisory_lock($1)`

const unlockMigrateSQL = `
SELECT pg_advisory_unlock($1)`

const schemaMigrationsExistsSQL = `
SELECT to_regclass('schema_migrations') IS NOT NULL`

const listAppliedSQL = `
SELECT version FROM schema_migrations`

const insertAppliedSQL = `
INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`

// Migrate applies the pending Postgres migrations of package migrations, each
// in its own transaction, and returns the names of the files it applied (none
// when the schema was up to date) for the caller to log. It holds a session
// advisory lock meanwhile, so concurrent callers apply each file once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	ms, err := loadMigrations(migrations.FS)
	if err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, pgErr("migrate: acquire connection", err)
	}
	defer conn.Release()
	// The lock belongs to this session, so lock and unlock on one connection.
	if _, err := conn.Exec(ctx, lockMigrateSQL, migrateLockKey); err != nil {
		return nil, pgErr("migrate: lock", err)
	}
	defer func() {
		// Unlock even if ctx is done; if this fails the lock goes with the
		// session when the pool closes the connection.
		_, _ = conn.Exec(context.WithoutCancel(ctx), unlockMigrateSQL, migrateLockKey)
	}()
	return applyPending(ctx, conn.Conn(), ms)
}

func applyPending(ctx context.Context, conn *pgx.Conn, ms []migration) ([]string, error) {
	if _, err := conn.Exec(ctx, createSchemaMigrationsSQL); err != nil {
		return nil, pgErr("migrate: create schema_migrations", err)
	}
	applied, err := listApplied(ctx, conn)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range pending(ms, applied) {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: pgx uses the simple protocol, which runs a
			// file of several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, insertAppliedSQL, m.version, m.name)
			return err
		})
		if err != nil {
			return names, pgErr("migrate "+m.name, err)
		}
		names = append(names, m.name)
	}
	return names, nil
}

func listApplied(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (map[int]bool, error) {
	rows, _ := q.Query(ctx, listAppliedSQL)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, pgErr("list applied migrations", err)
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}

// SchemaUpToDate reports whether every migration this binary embeds has been
// applied. A database migrated by a newer binary also counts as up to date,
// so that old replicas keep running during a rolling deploy.
func SchemaUpToDate(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	ms, err := loadMigrations(migrations.FS)
	if err != nil {
		return false, err
	}
	var exists bool
	err = pool.QueryRow(ctx, schemaMigrationsExistsSQL).Scan(&exists)
	if err != nil {
		return false, pgErr("check schema", err)
	}
	if !exists {
		return false, nil
	}
	applied, err := listApplied(ctx, pool)
	if err != nil {
		return false, fmt.Errorf("check schema: %w", err)
	}
	return len(pending(ms, applied)) == 0, nil
}
