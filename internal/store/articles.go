package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// articleColumns are the columns articleRow scans, in its field order.
const articleColumns = `id, source, external_id, url, title, body, format, language,
    published_at, version, ingested_at, cluster_id, matched`

// articleRow is one articles row as dedup.Article needs it.
type articleRow struct {
	ID          int64      `db:"id"`
	Source      string     `db:"source"`
	ExternalID  *string    `db:"external_id"`
	URL         string     `db:"url"`
	Title       string     `db:"title"`
	Body        string     `db:"body"`
	Format      string     `db:"format"`
	Language    string     `db:"language"`
	PublishedAt *time.Time `db:"published_at"`
	Version     int64      `db:"version"`
	IngestedAt  time.Time  `db:"ingested_at"`
	ClusterID   int64      `db:"cluster_id"`
	Matched     bool       `db:"matched"`
}

func (r articleRow) article() *dedup.Article {
	return &dedup.Article{
		ID:          r.ID,
		ExternalID:  stringOrEmpty(r.ExternalID),
		URL:         r.URL,
		Title:       r.Title,
		Body:        r.Body,
		Format:      dedup.Format(r.Format),
		Source:      r.Source,
		PublishedAt: timeOrZero(r.PublishedAt),
		Language:    r.Language,
		Version:     r.Version,
		IngestedAt:  r.IngestedAt.UTC(),
		ClusterID:   r.ClusterID,
		Matched:     r.Matched,
	}
}

func queryArticle(ctx context.Context, q querier, sql string, args ...any) (*dedup.Article, error) {
	rows, _ := q.Query(ctx, sql, args...)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[articleRow])
	if err != nil {
		return nil, err
	}
	return row.article(), nil
}

const getArticleSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE id = $1`

// GetArticle returns one article or an error wrapping dedup.ErrNotFound.
func (db *DB) GetArticle(ctx context.Context, id int64) (*dedup.Article, error) {
	a, err := queryArticle(ctx, db.pool, getArticleSQL, id)
	if err != nil {
		return nil, pgErr(fmt.Sprintf("get article %d", id), err)
	}
	return a, nil
}

const getArticleByExternalIDSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE source = $1 AND external_id = $2`

// GetArticleByExternalID returns the article stored under (source,
// externalID) or an error wrapping dedup.ErrNotFound. Articles stored without
// an external id cannot be found this way: an empty externalID is never found.
func (db *DB) GetArticleByExternalID(ctx context.Context, source, externalID string) (*dedup.Article, error) {
	a, err := queryArticle(ctx, db.pool, getArticleByExternalIDSQL, source, externalID)
	if err != nil {
		return nil, pgErr("get article by external id", err)
	}
	return a, nil
}

// validateNewArticles rejects the input InsertArticles cannot store.
func validateNewArticles(articles []dedup.NewArticle) error {
	for i, na := range articles {
		if na.Article == nil || na.Fingerprint == nil {
			return fmt.Errorf("article %d: %w", i, &dedup.ValidationError{
				Field: "articles", Message: "article and fingerprint are required"})
		}
	}
	return nil
}

// created is the stored form of a newly inserted article.
func created(in *dedup.Article, id, clusterID int64, ingestedAt time.Time) *dedup.Article {
	a := *in
	a.ID = id
	a.ClusterID = clusterID
	a.IngestedAt = ingestedAt.UTC()
	a.PublishedAt = normTime(a.PublishedAt)
	a.Matched = false
	return &a
}

// externalKey identifies (source, external id) in maps.
func externalKey(source, externalID string) string {
	return source + "\x00" + externalID
}

const markMatchedSQL = `
UPDATE articles
SET matched = true
WHERE id = ANY($1)`

// MarkMatched records that the articles' links and clusters are decided in
// one statement, or returns an error wrapping dedup.ErrNotFound when one of
// them is missing.
func (c *clusterTx) MarkMatched(ctx context.Context, articleIDs []int64) error {
	ids := distinctIDs(articleIDs)
	if len(ids) == 0 {
		return nil
	}
	tag, err := c.tx.Exec(ctx, markMatchedSQL, ids)
	if err == nil && tag.RowsAffected() != int64(len(ids)) {
		err = dedup.ErrNotFound
	}
	return pgErr(fmt.Sprintf("mark %d articles matched", len(ids)), err)
}

// distinctIDs returns the ids sorted, without repeats.
func distinctIDs(ids []int64) []int64 {
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

const replaceArticleSQL = `
UPDATE articles
SET url = $2, title = $3, body = $4, format = $5, language = $6,
    published_at = $7, version = $8, matched = false,
    fp_version = $9, content_hash = $10, simhash = $11, tokens = $12, features = $13
WHERE id = $1`

// ReplaceArticle overwrites the content, version, fingerprint and candidate
// keys of article a.ID and marks it unmatched. Source, ExternalID,
// IngestedAt, links and cluster are left as they are. A missing article is
// an error wrapping dedup.ErrNotFound.
func (c *clusterTx) ReplaceArticle(ctx context.Context, a *dedup.Article, fp *dedup.Fingerprint) error {
	if a == nil || fp == nil {
		return fmt.Errorf("replace article: %w", &dedup.ValidationError{
			Field: "article", Message: "article and fingerprint are required"})
	}
	op := fmt.Sprintf("replace article %d", a.ID)
	tag, err := c.tx.Exec(ctx, replaceArticleSQL, a.ID, a.URL, a.Title, a.Body, string(a.Format),
		a.Language, nullTime(a.PublishedAt), a.Version, fp.Version, toInt64(fp.ContentHash),
		toInt64(fp.SimHash), fp.Tokens, fp.Features)
	if err != nil {
		return pgErr(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", op, dedup.ErrNotFound)
	}
	return pgErr(op, replaceKeys(ctx, c.tx, a.ID, fp.Keys))
}

const deleteArticleSQL = `
DELETE FROM articles
WHERE id = $1`

// DeleteArticle removes an article, its candidate keys and its links, or
// returns an error wrapping dedup.ErrNotFound. Its cluster is left to the
// caller (UpdateCluster, DeleteCluster).
func (c *clusterTx) DeleteArticle(ctx context.Context, id int64) error {
	op := fmt.Sprintf("delete article %d", id)
	if err := deleteKeys(ctx, c.tx, id); err != nil {
		return pgErr(op, err)
	}
	if err := deleteLinks(ctx, c.tx, id); err != nil {
		return pgErr(op, err)
	}
	tag, err := c.tx.Exec(ctx, deleteArticleSQL, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = dedup.ErrNotFound
	}
	return pgErr(op, err)
}
