package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const liteListFingerprintsSQL = `
SELECT ` + fingerprintColumns + `
FROM articles AS a
WHERE a.id IN (SELECT value FROM json_each(?))
ORDER BY a.id`

// ListFingerprints returns the stored fingerprints of the given articles as
// DB.ListFingerprints does.
func (e *Embedded) ListFingerprints(ctx context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	fps, err := liteListFingerprints(ctx, e.r, ids)
	return fps, liteErr("list fingerprints", err)
}

func liteListFingerprints(ctx context.Context, q liteQuerier, ids []int64) ([]dedup.StoredFingerprint, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, liteListFingerprintsSQL, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	return scanLiteFingerprints(rows)
}

// scanLiteFingerprints reads and closes rows of liteListFingerprintsSQL's
// columns.
func scanLiteFingerprints(rows *sql.Rows) ([]dedup.StoredFingerprint, error) {
	defer rows.Close()
	var fps []dedup.StoredFingerprint
	for rows.Next() {
		fp, err := scanLiteFingerprint(rows)
		if err != nil {
			return nil, err
		}
		fps = append(fps, fp)
	}
	return fps, rows.Err()
}

const liteListRecentFingerprintsSQL = `
SELECT ` + fingerprintColumns + `
FROM articles AS a
WHERE a.id < ?
ORDER BY a.id DESC
LIMIT ?`

// ListRecentFingerprints returns the newest articles' fingerprints as
// DB.ListRecentFingerprints does.
func (e *Embedded) ListRecentFingerprints(ctx context.Context, beforeID int64, limit int) ([]dedup.StoredFingerprint, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, err := e.r.QueryContext(ctx, liteListRecentFingerprintsSQL, beforeID, limit)
	if err != nil {
		return nil, liteErr("list recent fingerprints", err)
	}
	fps, err := scanLiteFingerprints(rows)
	return fps, liteErr("list recent fingerprints", err)
}

func scanLiteFingerprint(rows *sql.Rows) (dedup.StoredFingerprint, error) {
	var s dedup.StoredFingerprint
	var published sql.NullInt64
	var ingested, hash, sim int64
	err := rows.Scan(&s.ArticleID, &s.ClusterID, &published, &ingested, &s.Fingerprint.Version,
		&hash, &sim, &s.Fingerprint.Tokens, &s.Fingerprint.Features)
	if err != nil {
		return s, err
	}
	s.PublishedAt, s.IngestedAt = fromNullUnixMicro(published), fromUnixMicro(ingested)
	s.Fingerprint.ContentHash, s.Fingerprint.SimHash = toUint64(hash), toUint64(sim)
	return s, nil
}

const liteUpdateFeaturesSQL = `UPDATE articles SET features = ? WHERE id = ?`

// UpdateFeatures replaces the stored features of articles in one
// transaction, as DB.UpdateFeatures does.
func (e *Embedded) UpdateFeatures(ctx context.Context, updates []dedup.FeaturesUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	err := e.write(ctx, func(tx *sql.Tx) error {
		for _, u := range updates {
			if _, err := tx.ExecContext(ctx, liteUpdateFeaturesSQL, u.Features, u.ArticleID); err != nil {
				return err
			}
		}
		return nil
	})
	return liteErr(fmt.Sprintf("update features of %d articles", len(updates)), err)
}
