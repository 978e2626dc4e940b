package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

func scanLiteArticle(s rowScanner) (*dedup.Article, error) {
	var a dedup.Article
	var externalID sql.NullString
	var published sql.NullInt64
	var ingested int64
	err := s.Scan(&a.ID, &a.Source, &externalID, &a.URL, &a.Title, &a.Body, &a.Format, &a.Language,
		&published, &a.Version, &ingested, &a.ClusterID, &a.Matched)
	if err != nil {
		return nil, err
	}
	a.ExternalID = externalID.String
	a.PublishedAt = fromNullUnixMicro(published)
	a.IngestedAt = fromUnixMicro(ingested)
	return &a, nil
}

const liteGetArticleSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE id = ?`

// GetArticle returns one article or an error wrapping dedup.ErrNotFound.
func (e *Embedded) GetArticle(ctx context.Context, id int64) (*dedup.Article, error) {
	a, err := scanLiteArticle(e.r.QueryRowContext(ctx, liteGetArticleSQL, id))
	if err != nil {
		return nil, liteErr(fmt.Sprintf("get article %d", id), err)
	}
	return a, nil
}

const liteGetArticleByExternalIDSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE source = ? AND external_id = ?`

// GetArticleByExternalID returns the article stored under (source,
// externalID) or an error wrapping dedup.ErrNotFound; as with DB, an empty
// externalID is never found.
func (e *Embedded) GetArticleByExternalID(ctx context.Context, source, externalID string) (*dedup.Article, error) {
	a, err := scanLiteArticle(e.r.QueryRowContext(ctx, liteGetArticleByExternalIDSQL, source, externalID))
	if err != nil {
		return nil, liteErr("get article by external id", err)
	}
	return a, nil
}

// InsertArticles stores new articles as DB.InsertArticles does, in one write
// transaction.
func (e *Embedded) InsertArticles(ctx context.Context, articles []dedup.NewArticle) ([]dedup.InsertResult, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	if err := validateNewArticles(articles); err != nil {
		return nil, fmt.Errorf("insert articles: %w", err)
	}
	results := make([]dedup.InsertResult, len(articles))
	err := e.write(ctx, func(tx *sql.Tx) error {
		now := nowMicro()
		for i, na := range articles {
			var err error
			if results[i], err = liteInsertArticle(ctx, tx, na, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, liteErr("insert articles", err)
	}
	return results, nil
}

// liteInsertArticleSQL inserts with a placeholder cluster_id of 0: the
// cluster needs the article id first. The foreign key is deferred to commit,
// by when liteSetOwnClusterSQL has set the real one.
const liteInsertArticleSQL = `
INSERT INTO articles (source, external_id, url, title, body, format, language,
    published_at, version, ingested_at, cluster_id, fp_version, content_hash, simhash, tokens, features)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
ON CONFLICT (source, external_id) DO NOTHING
RETURNING id`

const liteInsertOwnClusterSQL = `
INSERT INTO clusters (canonical_id, size, created_at, updated_at)
VALUES (?, 1, ?, ?)
RETURNING id`

const liteSetOwnClusterSQL = `
UPDATE articles SET cluster_id = ? WHERE id = ?`

func liteInsertArticle(ctx context.Context, tx *sql.Tx, na dedup.NewArticle, now int64) (dedup.InsertResult, error) {
	a, fp := na.Article, na.Fingerprint
	var id int64
	err := tx.QueryRowContext(ctx, liteInsertArticleSQL, a.Source, nullString(a.ExternalID), a.URL, a.Title,
		a.Body, string(a.Format), a.Language, nullUnixMicro(normTime(a.PublishedAt)), a.Version, now,
		fp.Version, toInt64(fp.ContentHash), toInt64(fp.SimHash), fp.Tokens, fp.Features).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// Skipped: (source, external_id) is taken.
		stored, err := scanLiteArticle(tx.QueryRowContext(ctx, liteGetArticleByExternalIDSQL, a.Source, a.ExternalID))
		return dedup.InsertResult{Article: stored}, err
	}
	if err != nil {
		return dedup.InsertResult{}, err
	}
	var clusterID int64
	if err := tx.QueryRowContext(ctx, liteInsertOwnClusterSQL, id, now, now).Scan(&clusterID); err != nil {
		return dedup.InsertResult{}, err
	}
	if _, err := tx.ExecContext(ctx, liteSetOwnClusterSQL, clusterID, id); err != nil {
		return dedup.InsertResult{}, err
	}
	if err := liteInsertKeys(ctx, tx, id, fp.Keys); err != nil {
		return dedup.InsertResult{}, err
	}
	return dedup.InsertResult{Article: created(a, id, clusterID, fromUnixMicro(now)), Created: true}, nil
}

// liteInsertKeysSQL adds postings from a JSON array of keys. (The WHERE
// true tells SQLite's parser that ON CONFLICT belongs to the INSERT.)
const liteInsertKeysSQL = `
INSERT INTO article_keys (key, article_id)
SELECT value, ? FROM json_each(?) WHERE true
ON CONFLICT (key, article_id) DO NOTHING`

func liteInsertKeys(ctx context.Context, q liteQuerier, articleID int64, keys []uint64) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, liteInsertKeysSQL, articleID, jsonIDs(keysToInt64(keys)))
	return err
}

// jsonIDs encodes int64s as a JSON array for json_each, SQLite's stand-in
// for an array parameter. SQLite reads JSON integers as exact 64-bit values.
func jsonIDs(ids []int64) string {
	b, _ := json.Marshal(ids) // []int64 always encodes
	return string(b)
}

const liteMarkMatchedSQL = `
UPDATE articles SET matched = 1 WHERE id IN (SELECT value FROM json_each(?))`

// MarkMatched records that the articles' links and clusters are decided, as
// DB.MarkMatched does.
func (c *liteClusterTx) MarkMatched(ctx context.Context, articleIDs []int64) error {
	ids := distinctIDs(articleIDs)
	if len(ids) == 0 {
		return nil
	}
	res, err := c.tx.ExecContext(ctx, liteMarkMatchedSQL, jsonIDs(ids))
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n != int64(len(ids)) {
			err = dedup.ErrNotFound
		}
	}
	return liteErr(fmt.Sprintf("mark %d articles matched", len(ids)), err)
}

const liteReplaceArticleSQL = `
UPDATE articles
SET url = ?, title = ?, body = ?, format = ?, language = ?,
    published_at = ?, version = ?, matched = 0,
    fp_version = ?, content_hash = ?, simhash = ?, tokens = ?, features = ?
WHERE id = ?`

const liteDeleteStaleKeysSQL = `
DELETE FROM article_keys
WHERE article_id = ? AND key NOT IN (SELECT value FROM json_each(?))`

// ReplaceArticle is DB's ClusterTx.ReplaceArticle for the embedded store.
func (c *liteClusterTx) ReplaceArticle(ctx context.Context, a *dedup.Article, fp *dedup.Fingerprint) error {
	if a == nil || fp == nil {
		return fmt.Errorf("replace article: %w", &dedup.ValidationError{
			Field: "article", Message: "article and fingerprint are required"})
	}
	op := fmt.Sprintf("replace article %d", a.ID)
	err := liteExecOne(ctx, c.tx, op, liteReplaceArticleSQL, a.URL, a.Title, a.Body, string(a.Format),
		a.Language, nullUnixMicro(normTime(a.PublishedAt)), a.Version, fp.Version,
		toInt64(fp.ContentHash), toInt64(fp.SimHash), fp.Tokens, fp.Features, a.ID)
	if err != nil {
		return err
	}
	if _, err := c.tx.ExecContext(ctx, liteDeleteStaleKeysSQL, a.ID, jsonIDs(keysToInt64(fp.Keys))); err != nil {
		return liteErr(op, err)
	}
	return liteErr(op, liteInsertKeys(ctx, c.tx, a.ID, fp.Keys))
}

const liteDeleteKeysSQL = `
DELETE FROM article_keys WHERE article_id = ?`

const liteDeleteArticleSQL = `
DELETE FROM articles WHERE id = ?`

// DeleteArticle removes an article, its candidate keys and its links, or
// returns an error wrapping dedup.ErrNotFound.
func (c *liteClusterTx) DeleteArticle(ctx context.Context, id int64) error {
	op := fmt.Sprintf("delete article %d", id)
	if _, err := c.tx.ExecContext(ctx, liteDeleteKeysSQL, id); err != nil {
		return liteErr(op, err)
	}
	if _, err := c.tx.ExecContext(ctx, liteDeleteLinksSQL, id, id); err != nil {
		return liteErr(op, err)
	}
	return liteExecOne(ctx, c.tx, op, liteDeleteArticleSQL, id)
}

// liteExecOne runs a statement that must change at least one row; none is
// an error wrapping dedup.ErrNotFound.
func liteExecOne(ctx context.Context, q liteQuerier, op, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return liteErr(op, err)
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = dedup.ErrNotFound
	}
	return liteErr(op, err)
}
