package store

import (
	"context"
	"fmt"
)

const getCheckpointSQL = `
SELECT value
FROM checkpoints
WHERE name = $1`

// GetCheckpoint returns the value of a named checkpoint or an error wrapping
// dedup.ErrNotFound.
func (db *DB) GetCheckpoint(ctx context.Context, name string) (string, error) {
	var value string
	if err := db.pool.QueryRow(ctx, getCheckpointSQL, name).Scan(&value); err != nil {
		return "", pgErr(fmt.Sprintf("get checkpoint %q", name), err)
	}
	return value, nil
}

const upsertCheckpointSQL = `
INSERT INTO checkpoints (name, value)
VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE
SET value = excluded.value, updated_at = now()`

// UpsertCheckpoint sets a named checkpoint.
func (db *DB) UpsertCheckpoint(ctx context.Context, name, value string) error {
	_, err := db.pool.Exec(ctx, upsertCheckpointSQL, name, value)
	return pgErr(fmt.Sprintf("upsert checkpoint %q", name), err)
}
