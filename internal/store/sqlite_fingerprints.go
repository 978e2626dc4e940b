package store

import (
	"context"
	"database/sql"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const liteListFingerprintsSQL = `
SELECT a.id, a.cluster_id, a.published_at, a.ingested_at, a.fp_version,
    a.content_hash, a.simhash, a.tokens, a.features
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
