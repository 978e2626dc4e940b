package store

import (
	"context"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const liteListLinksSQL = `
SELECT a, b, relation, score
FROM links
WHERE a IN (SELECT value FROM json_each(?1)) OR b IN (SELECT value FROM json_each(?1))
ORDER BY a, b`

// ListLinks returns every link that has the article at either end, ordered
// by (A, B).
func (e *Embedded) ListLinks(ctx context.Context, articleID int64) ([]dedup.Link, error) {
	links, err := liteListLinks(ctx, e.r, []int64{articleID})
	return links, liteErr(fmt.Sprintf("list links of %d", articleID), err)
}

func liteListLinks(ctx context.Context, q liteQuerier, articleIDs []int64) ([]dedup.Link, error) {
	if len(articleIDs) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, liteListLinksSQL, jsonIDs(articleIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var links []dedup.Link
	for rows.Next() {
		var l dedup.Link
		if err := rows.Scan(&l.A, &l.B, &l.Relation, &l.Score); err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, rows.Err()
}

const liteUpsertLinkSQL = `
INSERT INTO links (a, b, relation, score, created_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (a, b) DO UPDATE
SET relation = excluded.relation, score = excluded.score`

// UpsertLinks stores links as DB's ClusterTx.UpsertLinks does.
func (c *liteClusterTx) UpsertLinks(ctx context.Context, links []dedup.Link) error {
	now := nowMicro()
	for _, l := range links {
		_, err := c.tx.ExecContext(ctx, liteUpsertLinkSQL, l.A, l.B, string(l.Relation), l.Score, now)
		if err != nil {
			return liteErr("upsert links", err)
		}
	}
	return nil
}

const liteDeleteLinksSQL = `
DELETE FROM links WHERE a = ? OR b = ?`

// DeleteLinks removes every link that has the article at either end.
func (c *liteClusterTx) DeleteLinks(ctx context.Context, articleID int64) error {
	_, err := c.tx.ExecContext(ctx, liteDeleteLinksSQL, articleID, articleID)
	return liteErr(fmt.Sprintf("delete links of %d", articleID), err)
}

// ListLinks returns every link with at least one end in articleIDs.
func (c *liteClusterTx) ListLinks(ctx context.Context, articleIDs []int64) ([]dedup.Link, error) {
	links, err := liteListLinks(ctx, c.tx, articleIDs)
	return links, liteErr("list links", err)
}
