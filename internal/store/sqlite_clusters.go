package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const liteGetClusterSQL = `
SELECT canonical_id, updated_at
FROM clusters
WHERE id = ?`

// GetCluster returns a cluster with its members, ordered by article id, or
// an error wrapping dedup.ErrNotFound.
func (e *Embedded) GetCluster(ctx context.Context, id int64) (*dedup.Cluster, error) {
	var c *dedup.Cluster
	err := e.read(ctx, func(tx *sql.Tx) error {
		var canonical sql.NullInt64
		var updated int64
		if err := tx.QueryRowContext(ctx, liteGetClusterSQL, id).Scan(&canonical, &updated); err != nil {
			return err
		}
		members, err := liteListMembers(ctx, tx, id)
		c = &dedup.Cluster{ID: id, CanonicalID: canonical.Int64, Members: members, UpdatedAt: fromUnixMicro(updated)}
		return err
	})
	if err != nil {
		return nil, liteErr(fmt.Sprintf("get cluster %d", id), err)
	}
	return c, nil
}

const liteListMembersSQL = `
SELECT id, published_at, ingested_at, via, relation, score
FROM articles
WHERE cluster_id = ?
ORDER BY id`

func liteListMembers(ctx context.Context, q liteQuerier, clusterID int64) ([]dedup.Member, error) {
	rows, err := q.QueryContext(ctx, liteListMembersSQL, clusterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var members []dedup.Member
	for rows.Next() {
		var m dedup.Member
		var published sql.NullInt64
		var ingested int64
		if err := rows.Scan(&m.ArticleID, &published, &ingested, &m.Via, &m.Relation, &m.Score); err != nil {
			return nil, err
		}
		m.PublishedAt, m.IngestedAt = fromNullUnixMicro(published), fromUnixMicro(ingested)
		members = append(members, m)
	}
	return members, rows.Err()
}

const liteListClusterOfSQL = `
SELECT id, cluster_id
FROM articles
WHERE id IN (SELECT value FROM json_each(?))`

// LockClusters runs fn in one write transaction. SQLite has one writer at a
// time, so BEGIN IMMEDIATE already excludes every other change: the
// clusters cannot move and fn runs once. Inside fn, use only tx: the store's
// write methods wait for the connection fn holds.
func (e *Embedded) LockClusters(ctx context.Context, articleIDs []int64, fn func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		clusterOf, err := liteClusterOf(ctx, tx, articleIDs)
		if err != nil {
			return err
		}
		return fn(ctx, &liteClusterTx{tx: tx, subscribers: e.subscribers}, clusterOf)
	})
	return liteErr("lock clusters", err)
}

func liteClusterOf(ctx context.Context, tx *sql.Tx, articleIDs []int64) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, liteListClusterOfSQL, jsonIDs(articleIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	clusterOf := make(map[int64]int64, len(articleIDs))
	for rows.Next() {
		var id, clusterID int64
		if err := rows.Scan(&id, &clusterID); err != nil {
			return nil, err
		}
		clusterOf[id] = clusterID
	}
	return clusterOf, rows.Err()
}

// liteClusterTx is dedup.ClusterTx over one SQLite write transaction.
type liteClusterTx struct {
	tx          *sql.Tx
	subscribers []string
}

var _ dedup.ClusterTx = (*liteClusterTx)(nil)

// ListMembers returns the members of a cluster, ordered by article id.
func (c *liteClusterTx) ListMembers(ctx context.Context, clusterID int64) ([]dedup.Member, error) {
	members, err := liteListMembers(ctx, c.tx, clusterID)
	return members, liteErr(fmt.Sprintf("list members of cluster %d", clusterID), err)
}

// ListFingerprints is Embedded.ListFingerprints inside the transaction.
func (c *liteClusterTx) ListFingerprints(ctx context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	fps, err := liteListFingerprints(ctx, c.tx, ids)
	return fps, liteErr("list fingerprints", err)
}

const liteGetCanonicalSQL = `
SELECT canonical_id FROM clusters WHERE id = ?`

// GetCanonical returns the canonical article id of a cluster (0 if none
// yet), or an error wrapping dedup.ErrNotFound.
func (c *liteClusterTx) GetCanonical(ctx context.Context, clusterID int64) (int64, error) {
	var canonical sql.NullInt64
	if err := c.tx.QueryRowContext(ctx, liteGetCanonicalSQL, clusterID).Scan(&canonical); err != nil {
		return 0, liteErr(fmt.Sprintf("get canonical of cluster %d", clusterID), err)
	}
	return canonical.Int64, nil
}

const liteInsertClusterSQL = `
INSERT INTO clusters (canonical_id, size, created_at, updated_at)
VALUES (?, 0, ?, ?)
RETURNING id`

// InsertCluster creates an empty cluster (size 0) and returns its id.
func (c *liteClusterTx) InsertCluster(ctx context.Context, canonicalID int64) (int64, error) {
	now := nowMicro()
	var id int64
	if err := c.tx.QueryRowContext(ctx, liteInsertClusterSQL, nullID(canonicalID), now, now).Scan(&id); err != nil {
		return 0, liteErr("insert cluster", err)
	}
	return id, nil
}

const liteUpdateClusterSQL = `
UPDATE clusters SET canonical_id = ?, size = ?, updated_at = ? WHERE id = ?`

// UpdateCluster sets a cluster's canonical article and member count, or
// returns an error wrapping dedup.ErrNotFound.
func (c *liteClusterTx) UpdateCluster(ctx context.Context, clusterID, canonicalID int64, size int) error {
	return liteExecOne(ctx, c.tx, fmt.Sprintf("update cluster %d", clusterID), liteUpdateClusterSQL,
		nullID(canonicalID), size, nowMicro(), clusterID)
}

const liteDeleteClusterSQL = `
DELETE FROM clusters
WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM articles WHERE cluster_id = ?1)
RETURNING id`

const liteClusterExistsSQL = `
SELECT EXISTS (SELECT 1 FROM clusters WHERE id = ?)`

// DeleteCluster removes a cluster that no longer has members, as DB's does.
func (c *liteClusterTx) DeleteCluster(ctx context.Context, clusterID int64) error {
	op := fmt.Sprintf("delete cluster %d", clusterID)
	var id int64
	err := c.tx.QueryRowContext(ctx, liteDeleteClusterSQL, clusterID).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return liteErr(op, err)
	}
	var exists bool
	if err := c.tx.QueryRowContext(ctx, liteClusterExistsSQL, clusterID).Scan(&exists); err != nil {
		return liteErr(op, err)
	}
	if exists {
		return fmt.Errorf("%s: still has members: %w", op, dedup.ErrConflict)
	}
	return fmt.Errorf("%s: %w", op, dedup.ErrNotFound)
}

const liteSetMemberSQL = `
UPDATE articles SET cluster_id = ?, via = ?, relation = ?, score = ? WHERE id = ?`

// SetMembers puts each member's article in the cluster as DB's does.
func (c *liteClusterTx) SetMembers(ctx context.Context, clusterID int64, members []dedup.Member) error {
	op := fmt.Sprintf("set members of cluster %d", clusterID)
	for _, m := range members {
		err := liteExecOne(ctx, c.tx, op, liteSetMemberSQL, clusterID, m.Via, string(m.Relation), m.Score, m.ArticleID)
		if err != nil {
			return err
		}
	}
	return nil
}
