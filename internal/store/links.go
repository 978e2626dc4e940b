package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// linkRow scans a links row. It keeps the column-to-field mapping in this
// package instead of relying on the names of dedup.Link's fields.
type linkRow struct {
	A        int64   `db:"a"`
	B        int64   `db:"b"`
	Relation string  `db:"relation"`
	Score    float64 `db:"score"`
}

const listLinksSQL = `
SELECT a, b, relation, score
FROM links
WHERE a = ANY($1) OR b = ANY($1)
ORDER BY a, b`

// ListLinks returns every link that has the article at either end, ordered
// by (A, B).
func (db *DB) ListLinks(ctx context.Context, articleID int64) ([]dedup.Link, error) {
	links, err := listLinks(ctx, db.pool, []int64{articleID})
	if err != nil {
		return nil, pgErr(fmt.Sprintf("list links of %d", articleID), err)
	}
	return links, nil
}

func listLinks(ctx context.Context, q querier, articleIDs []int64) ([]dedup.Link, error) {
	if len(articleIDs) == 0 {
		return nil, nil
	}
	rows, _ := q.Query(ctx, listLinksSQL, articleIDs)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dedup.Link, error) {
		r, err := pgx.RowToStructByName[linkRow](row)
		return dedup.Link{A: r.A, B: r.B, Relation: dedup.Relation(r.Relation), Score: r.Score}, err
	})
}

const upsertLinksSQL = `
INSERT INTO links (a, b, relation, score)
SELECT a, b, relation, score
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::float8[]) AS t(a, b, relation, score)
ORDER BY a, b
ON CONFLICT (a, b) DO UPDATE
SET relation = excluded.relation, score = excluded.score`

func upsertLinks(ctx context.Context, q querier, links []dedup.Link) error {
	links = lastLinkPerPair(links)
	if len(links) == 0 {
		return nil
	}
	a, b := make([]int64, len(links)), make([]int64, len(links))
	rel, score := make([]string, len(links)), make([]float64, len(links))
	for i, l := range links {
		a[i], b[i], rel[i], score[i] = l.A, l.B, string(l.Relation), l.Score
	}
	_, err := q.Exec(ctx, upsertLinksSQL, a, b, rel, score)
	return err
}

// lastLinkPerPair keeps the last link given for each (A, B): one statement
// may not update the same row twice.
func lastLinkPerPair(links []dedup.Link) []dedup.Link {
	pos := make(map[[2]int64]int, len(links))
	var out []dedup.Link
	for _, l := range links {
		k := [2]int64{l.A, l.B}
		if i, ok := pos[k]; ok {
			out[i] = l
			continue
		}
		pos[k] = len(out)
		out = append(out, l)
	}
	return out
}

const deleteLinksSQL = `
DELETE FROM links
WHERE a = $1 OR b = $1`

func deleteLinks(ctx context.Context, q querier, articleID int64) error {
	_, err := q.Exec(ctx, deleteLinksSQL, articleID)
	return err
}
