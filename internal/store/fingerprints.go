package store

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// fingerprintColumns are the columns of a fingerprintRow, in its order, as
// both stores read them.
const fingerprintColumns = `a.id, a.cluster_id, a.published_at, a.ingested_at, a.fp_version,
    a.content_hash, a.simhash, a.tokens, a.features`

const listFingerprintsSQL = `
SELECT ` + fingerprintColumns + `
FROM articles AS a
WHERE a.id = ANY($1)`

type fingerprintRow struct {
	ID          int64
	ClusterID   int64
	PublishedAt *time.Time
	IngestedAt  time.Time
	FPVersion   int
	ContentHash int64
	SimHash     int64
	Tokens      int
	Features    []byte
}

func (r fingerprintRow) stored() dedup.StoredFingerprint {
	return dedup.StoredFingerprint{
		ArticleID:   r.ID,
		ClusterID:   r.ClusterID,
		PublishedAt: timeOrZero(r.PublishedAt),
		IngestedAt:  r.IngestedAt.UTC(),
		Fingerprint: dedup.Fingerprint{
			Version:     r.FPVersion,
			ContentHash: toUint64(r.ContentHash),
			SimHash:     toUint64(r.SimHash),
			Tokens:      r.Tokens,
			Features:    r.Features,
		},
	}
}

// ListFingerprints returns the stored fingerprints of the given articles in
// ascending id order; ids that do not exist are left out. Keys are not read
// back (see dedup.Store.ListFingerprints).
func (db *DB) ListFingerprints(ctx context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	fps, err := listFingerprints(ctx, db.pool, ids)
	if err != nil {
		return nil, pgErr("list fingerprints", err)
	}
	return fps, nil
}

func listFingerprints(ctx context.Context, q querier, ids []int64) ([]dedup.StoredFingerprint, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, _ := q.Query(ctx, listFingerprintsSQL, ids)
	fps, err := collectFingerprints(rows)
	if err != nil {
		return nil, err
	}
	// Sorted here rather than by ORDER BY: a batch reads tens of thousands
	// of wide rows, which the server would sort on disk.
	slices.SortFunc(fps, func(a, b dedup.StoredFingerprint) int { return cmp.Compare(a.ArticleID, b.ArticleID) })
	return fps, nil
}

const listRecentFingerprintsSQL = `
SELECT ` + fingerprintColumns + `
FROM articles AS a
WHERE a.id < $1
ORDER BY a.id DESC
LIMIT $2`

// ListRecentFingerprints returns the fingerprints of up to limit articles
// with ids below beforeID (any, when it is 0), newest first; see
// dedup.RecentLister.
func (db *DB) ListRecentFingerprints(ctx context.Context, beforeID int64, limit int) ([]dedup.StoredFingerprint, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, _ := db.pool.Query(ctx, listRecentFingerprintsSQL, beforeID, limit)
	fps, err := collectFingerprints(rows)
	if err != nil {
		return nil, pgErr("list recent fingerprints", err)
	}
	return fps, nil
}

// collectFingerprints reads rows of fingerprintColumns. It scans each
// column by position: a match reads tens of rows, a backfill batch
// thousands, and matching a struct's fields to the columns by name for
// every row cost about 6% of the CPU of reading them
// (BenchmarkListFingerprintsPostgres).
func collectFingerprints(rows pgx.Rows) ([]dedup.StoredFingerprint, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dedup.StoredFingerprint, error) {
		var r fingerprintRow
		err := row.Scan(&r.ID, &r.ClusterID, &r.PublishedAt, &r.IngestedAt, &r.FPVersion,
			&r.ContentHash, &r.SimHash, &r.Tokens, &r.Features)
		return r.stored(), err
	})
}

const updateFeaturesSQL = `
UPDATE articles AS a
SET features = u.features
FROM unnest($1::bigint[], $2::bytea[]) AS u(id, features)
WHERE a.id = u.id`

// UpdateFeatures replaces the stored features of articles in one
// transaction, one round trip; ids that do not exist are skipped. The
// features only add what matching learned (recurring furniture) to what
// is stored, so the commit does not wait for the disk: after a crash an
// article may be compared with its furniture, and no link or cluster is
// lost.
func (db *DB) UpdateFeatures(ctx context.Context, updates []dedup.FeaturesUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	ids := make([]int64, len(updates))
	features := make([][]byte, len(updates))
	for i, u := range updates {
		ids[i], features[i] = u.ArticleID, u.Features
	}
	batch := &pgx.Batch{}
	batch.Queue("BEGIN")
	batch.Queue("SET LOCAL synchronous_commit TO OFF")
	batch.Queue(updateFeaturesSQL, ids, features)
	batch.Queue("COMMIT")
	return pgErr(fmt.Sprintf("update features of %d articles", len(updates)), db.pool.SendBatch(ctx, batch).Close())
}
