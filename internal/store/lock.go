package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// maxLockAttempts bounds how often LockClusters starts over after a
// concurrent merge moved its articles or Postgres aborted it as a deadlock
// or serialization victim. Each retry backs off a little longer.
const maxLockAttempts = 10

// errClustersMoved means an article changed clusters while LockClusters
// waited for the locks: the locks it holds are on the wrong rows.
var errClustersMoved = errors.New("clusters changed while locking")

// LockClusters runs fn in one transaction that holds FOR UPDATE locks on the
// clusters the given articles belong to, taken in ascending id order so that
// concurrent callers cannot deadlock. clusterOf maps each given article that
// still exists to its cluster, read after the locks were taken.
//
// fn may run more than once: if an article moves to another cluster while
// the locks are being taken, or Postgres picks the transaction as a deadlock
// or serialization victim, the transaction is rolled back and started over,
// up to 10 attempts in all, after which the error wraps dedup.ErrUnavailable.
// fn must therefore have no effects outside tx. If fn returns an error,
// nothing it did is kept and the error is returned.
//
// Inside fn, use only tx: the store's own methods run on other connections.
func (db *DB) LockClusters(ctx context.Context, articleIDs []int64, fn func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error) error {
	var err error
	for attempt := 1; attempt <= maxLockAttempts; attempt++ {
		err = db.lockedTx(ctx, articleIDs, fn)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errClustersMoved) && !isRetryable(err) {
			return pgErr("lock clusters", err)
		}
		if attempt == maxLockAttempts {
			break
		}
		if err := backoff(ctx, attempt); err != nil {
			return fmt.Errorf("lock clusters: %w", err)
		}
	}
	// Contention passes: let the caller retry later (HTTP answers 503).
	return fmt.Errorf("lock clusters: gave up after %d attempts: %w: %w", maxLockAttempts, dedup.ErrUnavailable, err)
}

// maxBackoff caps the sleep between two attempts of LockClusters.
const maxBackoff = 100 * time.Millisecond

// backoff sleeps a random time whose bound doubles with each attempt, so that
// transactions that collided do not collide again in lockstep.
func backoff(ctx context.Context, attempt int) error {
	bound := min(time.Millisecond<<attempt, maxBackoff)
	d := time.Duration(rand.Int64N(int64(bound)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// lockClusterRowsSQL locks the clusters of the articles. The ORDER BY sits
// below the row locking in the plan, so rows are locked in id order.
const lockClusterRowsSQL = `
SELECT id
FROM clusters
WHERE id IN (SELECT cluster_id FROM articles WHERE id = ANY($1))
ORDER BY id
FOR UPDATE`

const listClusterOfSQL = `
SELECT id, cluster_id
FROM articles
WHERE id = ANY($1)`

// lockedTx runs fn in a transaction that begins by locking the articles'
// clusters and reading each article's cluster again after the locks were
// granted. BEGIN and both statements go as one batch: one round trip. If an
// article is now in a cluster that is not locked, it moved while we waited:
// errClustersMoved. An article in a locked cluster cannot move, since
// moving it takes that lock.
func (db *DB) lockedTx(ctx context.Context, articleIDs []int64, fn func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error) error {
	batch := &pgx.Batch{}
	batch.BeginTx(pgx.TxOptions{})
	var locked []int64
	batch.Queue(lockClusterRowsSQL, articleIDs).Query(func(rows pgx.Rows) error {
		var err error
		if locked, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return fmt.Errorf("lock cluster rows: %w", err)
		}
		return nil
	})
	clusterOf := make(map[int64]int64, len(articleIDs))
	batch.Queue(listClusterOfSQL, articleIDs).Query(func(rows pgx.Rows) error {
		var id, clusterID int64
		_, err := pgx.ForEachRow(rows, []any{&id, &clusterID}, func() error {
			if _, ok := slices.BinarySearch(locked, clusterID); !ok {
				return errClustersMoved
			}
			clusterOf[id] = clusterID
			return nil
		})
		if err != nil {
			return fmt.Errorf("read clusters of articles: %w", err)
		}
		return nil
	})
	br := db.pool.SendBatch(ctx, batch)
	err := br.Close()
	tx := br.Tx()
	// Rollback after Commit does nothing; either returns the connection.
	defer func() { _ = tx.Rollback(ctx) }()
	if err != nil {
		return err
	}
	if err := fn(ctx, &clusterTx{tx: tx, subscribers: db.subscribers}, clusterOf); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// clusterTx is dedup.ClusterTx over one Postgres transaction.
type clusterTx struct {
	tx          pgx.Tx
	subscribers []string
}

var _ dedup.ClusterTx = (*clusterTx)(nil)

// ListLinks returns every link with at least one end in articleIDs.
func (c *clusterTx) ListLinks(ctx context.Context, articleIDs []int64) ([]dedup.Link, error) {
	links, err := listLinks(ctx, c.tx, articleIDs)
	return links, pgErr("list links", err)
}

// ListFingerprints is DB.ListFingerprints inside the transaction.
func (c *clusterTx) ListFingerprints(ctx context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	fps, err := listFingerprints(ctx, c.tx, ids)
	return fps, pgErr("list fingerprints", err)
}

// UpsertLinks stores links; a link with the same (A, B) is overwritten, and
// of several with the same (A, B) in links the last one wins. A link to an
// article that does not exist is an error wrapping dedup.ErrConflict.
func (c *clusterTx) UpsertLinks(ctx context.Context, links []dedup.Link) error {
	return pgErr("upsert links", upsertLinks(ctx, c.tx, links))
}

// DeleteLinks removes every link that has the article at either end.
func (c *clusterTx) DeleteLinks(ctx context.Context, articleID int64) error {
	return pgErr(fmt.Sprintf("delete links of %d", articleID), deleteLinks(ctx, c.tx, articleID))
}
