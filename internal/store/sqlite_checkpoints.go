package store

import (
	"context"
	"fmt"
)

const liteGetCheckpointSQL = `
SELECT value FROM checkpoints WHERE name = ?`

// GetCheckpoint returns the value of a named checkpoint or an error wrapping
// dedup.ErrNotFound.
func (e *Embedded) GetCheckpoint(ctx context.Context, name string) (string, error) {
	var value string
	if err := e.r.QueryRowContext(ctx, liteGetCheckpointSQL, name).Scan(&value); err != nil {
		return "", liteErr(fmt.Sprintf("get checkpoint %q", name), err)
	}
	return value, nil
}

const liteUpsertCheckpointSQL = `
INSERT INTO checkpoints (name, value, updated_at)
VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO UPDATE
SET value = excluded.value, updated_at = excluded.updated_at`

// UpsertCheckpoint sets a named checkpoint.
func (e *Embedded) UpsertCheckpoint(ctx context.Context, name, value string) error {
	_, err := e.w.ExecContext(ctx, liteUpsertCheckpointSQL, name, value, nowMicro())
	return liteErr(fmt.Sprintf("upsert checkpoint %q", name), err)
}
