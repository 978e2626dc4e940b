package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// litePostingsSQL reads one key's newest postings below a bound: a backward
// range scan of the (key, article_id) primary key, as in Postgres. SQLite
// has no LATERAL, so ListCandidates runs it once per key and counts in Go.
// LIMIT -1 means no limit.
const litePostingsSQL = `
SELECT article_id
FROM article_keys
WHERE key = ? AND article_id < ? AND article_id <> ? AND article_id NOT BETWEEN ? AND ?
ORDER BY article_id DESC
LIMIT ?`

// ListCandidates answers each query as DB.ListCandidates does, all from one
// snapshot.
func (e *Embedded) ListCandidates(ctx context.Context, queries []dedup.CandidateQuery) ([][]dedup.Candidate, error) {
	if err := validateCandidateQueries(queries); err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	out := make([][]dedup.Candidate, len(queries))
	err := e.read(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, litePostingsSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, q := range queries {
			if out[i], err = liteCandidates(ctx, stmt, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, liteErr("list candidates", err)
	}
	return out, nil
}

func liteCandidates(ctx context.Context, stmt *sql.Stmt, q dedup.CandidateQuery) ([]dedup.Candidate, error) {
	maxPostings := q.MaxPostings
	if maxPostings == 0 {
		maxPostings = -1
	}
	var lists [][]int64
	for _, key := range keysToInt64(q.Keys) {
		rows, err := stmt.QueryContext(ctx, key, beforeBound(q.BeforeID), q.ExcludeID, q.Later.From, q.Later.To, maxPostings)
		if err != nil {
			return nil, err
		}
		var list []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			list = append(list, id)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		lists = append(lists, list)
	}
	return dedup.RankCandidates(lists, q), nil
}
