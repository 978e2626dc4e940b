package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// InsertArticles stores new articles with their fingerprints and candidate
// keys, each in a new cluster of its own, in one transaction. An article
// whose (Source, ExternalID) is already stored, earlier in the database or
// earlier in the same slice, is left alone and its result carries the stored
// row. Articles without an ExternalID never conflict. New articles get
// ascending ids in input order. Results are in input order.
//
// A batch with few postings (the API's one article) is one statement, so
// one round trip. A larger one (a backfill batch) writes its postings with
// COPY, which is faster per row than an INSERT from arrays, in the same
// transaction.
//
// A nil Article or Fingerprint is an error wrapping dedup.ErrInvalid.
func (db *DB) InsertArticles(ctx context.Context, articles []dedup.NewArticle) ([]dedup.InsertResult, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	if err := validateNewArticles(articles); err != nil {
		return nil, fmt.Errorf("insert articles: %w", err)
	}
	arrays := newArticleArrays(articles)
	var results []dedup.InsertResult
	var conflicts []int
	var err error
	if len(arrays.keys) <= db.copyPostingsAbove {
		results, conflicts, err = insertArticles(ctx, db.pool, articles, insertArticlesSQL, arrays.args(true))
	} else {
		err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			var err error
			results, conflicts, err = insertArticles(ctx, tx, articles, insertArticlesOnlySQL, arrays.args(false))
			if err != nil {
				return err
			}
			return copyPostings(ctx, tx, arrays, results)
		})
	}
	if err != nil {
		return nil, pgErr("insert articles", err)
	}
	// The rows we conflicted with were committed before our insert (which
	// waited for them) or are our own earlier ones, so this later read sees
	// them all.
	if err := fillConflicts(ctx, db.pool, articles, conflicts, results); err != nil {
		return nil, pgErr("insert articles", err)
	}
	return results, nil
}

// defaultCopyPostingsAbove is the number of postings above which a batch
// writes them with COPY (see InsertArticles). BenchmarkInsertArticlesPostgres
// (40,000 postings) is about 20% slower with the INSERT from arrays than
// with COPY, about 0.6 µs more per posting; BenchmarkInsertArticlePostgres
// (60) is about 25% faster as one statement. A round trip is worth a few
// hundred postings (docs/BENCHMARKS.md).
const defaultCopyPostingsAbove = 1000

// insertArticlesSQL inserts a whole batch from parallel arrays: the
// articles, their one-member clusters and their postings. $15 and $16 are
// the postings as (key, position of the article in the arrays, from 1).
// insertArticlesOnlySQL is the same without the postings, which the caller
// then writes with COPY.
//
// It draws the ids first (ids), in ascending order, and numbers them, so
// that articles get ids in input order whatever order the insert runs in;
// ids drawn for articles that turn out to conflict are never used. Rows go
// in (source, external_id) order so that two transactions inserting
// overlapping batches wait on each other's unique keys in the same order
// and cannot deadlock. A conflicting row is skipped, never checked for
// first: the unique constraint decides, and its clusters and postings are
// not written (they join on what the insert returned).
const (
	insertArticlesHead = `
WITH ids AS (
    SELECT row_number() OVER (ORDER BY article_id) AS ord, article_id, cluster_id
    FROM (SELECT nextval('articles_id_seq') AS article_id, nextval('clusters_id_seq') AS cluster_id
          FROM generate_series(1, cardinality($1::text[]))) AS s
), ins AS (
    INSERT INTO articles (id, source, external_id, url, title, body, format, language,
        published_at, version, cluster_id, fp_version, content_hash, simhash, tokens, features)
    SELECT ids.article_id, source, external_id, url, title, body, format, language,
        published_at, version, ids.cluster_id, fp_version, content_hash, simhash, tokens, features
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
        $7::text[], $8::timestamptz[], $9::bigint[], $10::integer[], $11::bigint[],
        $12::bigint[], $13::integer[], $14::bytea[])
        WITH ORDINALITY AS t(source, external_id, url, title, body, format, language,
        published_at, version, fp_version, content_hash, simhash, tokens, features, ord)
    JOIN ids USING (ord)
    ORDER BY source, external_id, ids.article_id
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, cluster_id, ingested_at
), own_clusters AS (
    INSERT INTO clusters (id, canonical_id, size)
    SELECT cluster_id, id, 1 FROM ins
)`
	insertArticlesPostings = `, postings AS (
    INSERT INTO article_keys (key, article_id)
    SELECT p.key, ins.id
    FROM unnest($15::bigint[], $16::bigint[]) AS p(key, ord)
    JOIN ids USING (ord)
    JOIN ins ON ins.id = ids.article_id
)`
	insertArticlesTail = `
SELECT ids.ord, ins.id, ins.cluster_id, ins.ingested_at
FROM ins JOIN ids ON ids.article_id = ins.id`

	insertArticlesSQL     = insertArticlesHead + insertArticlesPostings + insertArticlesTail
	insertArticlesOnlySQL = insertArticlesHead + insertArticlesTail
)

// insertArticles runs insertArticlesSQL or insertArticlesOnlySQL and returns
// the results of the inserted articles, with the input positions of the
// conflicting ones.
func insertArticles(ctx context.Context, q querier, in []dedup.NewArticle, sql string, args []any) ([]dedup.InsertResult, []int, error) {
	rows, _ := q.Query(ctx, sql, args...)
	results := make([]dedup.InsertResult, len(in))
	var ord, id, clusterID int64
	var at time.Time
	_, err := pgx.ForEachRow(rows, []any{&ord, &id, &clusterID, &at}, func() error {
		i := int(ord) - 1
		results[i] = dedup.InsertResult{Article: created(in[i].Article, id, clusterID, at), Created: true}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("insert rows: %w", err)
	}
	var conflicts []int
	for i, r := range results {
		if !r.Created {
			conflicts = append(conflicts, i)
		}
	}
	return results, conflicts, nil
}

// articleArrays is a batch laid out as the parallel arrays
// insertArticlesSQL takes; keys and keyOrd are its postings, each key with
// the position of its article (from 1).
type articleArrays struct {
	columns      []any
	keys, keyOrd []int64
}

func newArticleArrays(in []dedup.NewArticle) *articleArrays {
	n := len(in)
	var (
		source, url, title, body = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		format, language         = make([]string, n), make([]string, n)
		externalID               = make([]*string, n)
		published                = make([]*time.Time, n)
		version, hash, sim       = make([]int64, n), make([]int64, n), make([]int64, n)
		fpVersion, tokens        = make([]int32, n), make([]int32, n)
		features                 = make([][]byte, n)
		a                        articleArrays
	)
	for i, na := range in {
		art, fp := na.Article, na.Fingerprint
		source[i], externalID[i], url[i], title[i] = art.Source, nullString(art.ExternalID), art.URL, art.Title
		body[i], format[i], language[i] = art.Body, string(art.Format), art.Language
		published[i], version[i] = nullTime(art.PublishedAt), art.Version
		fpVersion[i], hash[i], sim[i] = int32(fp.Version), toInt64(fp.ContentHash), toInt64(fp.SimHash)
		tokens[i], features[i] = int32(fp.Tokens), fp.Features
		for _, k := range keysToInt64(fp.Keys) {
			a.keys = append(a.keys, k)
			a.keyOrd = append(a.keyOrd, int64(i+1))
		}
	}
	a.columns = []any{source, externalID, url, title, body, format, language,
		published, version, fpVersion, hash, sim, tokens, features}
	return &a
}

// args returns the statement's arguments, with the postings or without.
func (a *articleArrays) args(withPostings bool) []any {
	if !withPostings {
		return a.columns
	}
	return append(slices.Clip(a.columns), a.keys, a.keyOrd)
}

var articleKeysColumns = []string{"key", "article_id"}

// copyPostings writes the postings of the articles that were inserted (not
// of those that conflicted) with COPY.
func copyPostings(ctx context.Context, tx pgx.Tx, a *articleArrays, results []dedup.InsertResult) error {
	rows := make([][]any, 0, len(a.keys))
	for j, k := range a.keys {
		if r := results[a.keyOrd[j]-1]; r.Created {
			rows = append(rows, []any{k, r.Article.ID})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"article_keys"}, articleKeysColumns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy keys: %w", err)
	}
	return nil
}

const listArticlesByExternalIDSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE (source, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`

// fillConflicts sets the results of the articles that were already stored.
func fillConflicts(ctx context.Context, q querier, in []dedup.NewArticle, conflicts []int, results []dedup.InsertResult) error {
	if len(conflicts) == 0 {
		return nil
	}
	sources, externalIDs := make([]string, len(conflicts)), make([]string, len(conflicts))
	for j, i := range conflicts {
		sources[j], externalIDs[j] = in[i].Article.Source, in[i].Article.ExternalID
	}
	rows, _ := q.Query(ctx, listArticlesByExternalIDSQL, sources, externalIDs)
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByName[articleRow])
	if err != nil {
		return fmt.Errorf("read stored articles: %w", err)
	}
	byKey := make(map[string]*dedup.Article, len(stored))
	for _, r := range stored {
		byKey[externalKey(r.Source, stringOrEmpty(r.ExternalID))] = r.article()
	}
	for _, i := range conflicts {
		a, ok := byKey[externalKey(in[i].Article.Source, in[i].Article.ExternalID)]
		if !ok {
			// The conflicting row was deleted after our insert skipped it.
			return fmt.Errorf("article %q of %q deleted concurrently: %w",
				in[i].Article.ExternalID, in[i].Article.Source, dedup.ErrConflict)
		}
		results[i] = dedup.InsertResult{Article: a}
	}
	return nil
}
