package store

import (
	"context"
	"fmt"
)

const deleteStaleKeysSQL = `
DELETE FROM article_keys
WHERE article_id = $1 AND key <> ALL($2::bigint[])`

const insertKeysSQL = `
INSERT INTO article_keys (key, article_id)
SELECT key, $1 FROM unnest($2::bigint[]) AS t(key)
ON CONFLICT (key, article_id) DO NOTHING`

// replaceKeys makes keys the article's postings, touching only the ones
// that change: a revised article usually keeps most of its keys.
func replaceKeys(ctx context.Context, q querier, articleID int64, keys []uint64) error {
	ks := keysToInt64(keys)
	if _, err := q.Exec(ctx, deleteStaleKeysSQL, articleID, ks); err != nil {
		return fmt.Errorf("delete stale keys: %w", err)
	}
	if _, err := q.Exec(ctx, insertKeysSQL, articleID, ks); err != nil {
		return fmt.Errorf("insert keys: %w", err)
	}
	return nil
}

const deleteKeysSQL = `
DELETE FROM article_keys
WHERE article_id = $1`

func deleteKeys(ctx context.Context, q querier, articleID int64) error {
	if _, err := q.Exec(ctx, deleteKeysSQL, articleID); err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	return nil
}
