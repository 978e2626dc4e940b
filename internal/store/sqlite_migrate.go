package store

import (
	"context"
	"database/sql"
	"fmt"
)

const liteCreateSchemaMigrationsSQL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
) STRICT`

const liteMigrationAppliedSQL = `
SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`

const liteInsertAppliedSQL = `
INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`

// migrate applies the pending migrations of the embedded store, each in its
// own write transaction. The write lock serializes processes opening one
// directory at once, and each transaction checks again whether its file is
// still pending.
func (e *Embedded) migrate(ctx context.Context) error {
	ms, err := sqliteMigrations()
	if err != nil {
		return fmt.Errorf("open embedded store: %w", err)
	}
	if _, err := e.w.ExecContext(ctx, liteCreateSchemaMigrationsSQL); err != nil {
		return liteErr("open embedded store: create schema_migrations", err)
	}
	for _, m := range ms {
		if err := e.write(ctx, func(tx *sql.Tx) error { return applyLiteMigration(ctx, tx, m) }); err != nil {
			return liteErr("open embedded store: migrate "+m.name, err)
		}
	}
	return nil
}

func applyLiteMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	var applied bool
	if err := tx.QueryRowContext(ctx, liteMigrationAppliedSQL, m.version).Scan(&applied); err != nil {
		return err
	}
	if applied {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, liteInsertAppliedSQL, m.version, m.name, nowMicro())
	return err
}
