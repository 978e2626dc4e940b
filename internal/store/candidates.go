package store

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// listCandidatesSQL reads, for each distinct key, at most $4 postings: the
// newest below $2, skipping $3. Each is a short backward scan of the
// (key, article_id) primary key, where key and the $2 bound are both index
// conditions, so the work per key does not grow with the corpus (see also
// disableBitmapScanSQL). $6 to $7 are left out too (a batch's later
// articles; 0 to 0 leaves out nothing). $1 holds each key once (keysToInt64). NULL $4 or
// $5 means no limit. Ranking and the common-key rule are
// dedup.RankCandidates': "postings" is the length of a key's list, and a
// list of $4 is full.
const listCandidatesSQL = `
SELECT p.article_id, count(*) AS shared
FROM unnest($1::bigint[]) AS q(key)
CROSS JOIN LATERAL (
    SELECT k.article_id, count(*) OVER () AS postings
    FROM (
        SELECT ak.article_id
        FROM article_keys AS ak
        WHERE ak.key = q.key AND ak.article_id < $2 AND ak.article_id <> $3
            AND ak.article_id NOT BETWEEN $6 AND $7
        ORDER BY ak.article_id DESC
        LIMIT $4
    ) AS k
) AS p
GROUP BY p.article_id
HAVING count(*) > 1 OR $4::bigint IS NULL OR min(p.postings) < $4
ORDER BY shared DESC, min(p.postings), p.article_id
LIMIT $5`

// disableBitmapScanSQL keeps the planner on the backward primary key scan.
// With a bitmap scan it would read all of a key's postings and sort them,
// which it prefers when statistics say keys are rare and the table's
// visibility map is not yet set (after a bulk load): exactly the heavy
// boilerplate keys MaxPostings exists for would then be read in full.
const disableBitmapScanSQL = `
SET LOCAL enable_bitmapscan = off`

// ListCandidates answers each query with the stored articles that share at
// least one candidate key with it, as dedup.RankCandidates ranks them.
// Duplicate keys in a query count once. A Limit or MaxPostings of 0 means
// no bound; a negative one is an error wrapping dedup.ErrInvalid. The
// queries go to the server in batches, a large set split over up to
// GOMAXPROCS connections: one backend runs a batch's queries one after
// another, and in a bulk load this lookup is the server's largest job.
func (db *DB) ListCandidates(ctx context.Context, queries []dedup.CandidateQuery) ([][]dedup.Candidate, error) {
	if err := validateCandidateQueries(queries); err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	out := make([][]dedup.Candidate, len(queries))
	parts := min(runtime.GOMAXPROCS(0), int(db.pool.Config().MaxConns), len(queries)/minQueriesPerPart)
	if parts <= 1 {
		return out, db.listCandidates(ctx, queries, out)
	}
	g, gctx := errgroup.WithContext(ctx)
	size := (len(queries) + parts - 1) / parts
	for lo := 0; lo < len(queries); lo += size {
		hi := min(lo+size, len(queries))
		g.Go(func() error { return db.listCandidates(gctx, queries[lo:hi], out[lo:hi]) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// minQueriesPerPart keeps small sets (one article, a short batch) on one
// connection, where a second round trip would cost more than it saves.
const minQueriesPerPart = 32

// listCandidates answers queries into out (of the same length) in one
// read-only transaction, sent with its BEGIN and COMMIT as one batch: one
// round trip. If a statement fails, Postgres skips the rest, COMMIT
// included, and the pool drops the connection that is left in the failed
// transaction rather than reuse it.
func (db *DB) listCandidates(ctx context.Context, queries []dedup.CandidateQuery, out [][]dedup.Candidate) error {
	batch := &pgx.Batch{}
	// SET LOCAL needs a transaction to be local to.
	batch.Queue("BEGIN READ ONLY")
	batch.Queue(disableBitmapScanSQL)
	for i, q := range queries {
		if len(q.Keys) == 0 {
			continue
		}
		batch.Queue(listCandidatesSQL, keysToInt64(q.Keys), beforeBound(q.BeforeID),
			q.ExcludeID, limitOrNull(q.MaxPostings), limitOrNull(q.Limit), q.Later.From, q.Later.To).
			Query(func(rows pgx.Rows) error {
				var err error
				out[i], err = pgx.CollectRows(rows, pgx.RowToStructByName[dedup.Candidate])
				return err
			})
	}
	if batch.Len() == 2 {
		return nil
	}
	batch.Queue("COMMIT")
	return pgErr("list candidates", db.pool.SendBatch(ctx, batch).Close())
}

func validateCandidateQueries(queries []dedup.CandidateQuery) error {
	for _, q := range queries {
		if q.Limit < 0 || q.MaxPostings < 0 {
			return &dedup.ValidationError{Field: "limit", Message: "must not be negative"}
		}
	}
	return nil
}

// beforeBound turns "BeforeID 0 means no bound" into a bound that is always
// an index condition (an OR would not be).
func beforeBound(beforeID int64) int64 {
	if beforeID <= 0 {
		return math.MaxInt64
	}
	return beforeID
}

// limitOrNull maps 0 ("no limit") to NULL, which LIMIT reads as no limit.
func limitOrNull(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}
