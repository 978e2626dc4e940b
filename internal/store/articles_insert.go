package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// InsertArticles stores new articles with their fingerprints and candidate
// keys in one transaction, each in a new cluster of its own. An article whose
// (Source, ExternalID) is already stored, earlier in the database or earlier
// in the same slice, is left alone and its result carries the stored row.
// Articles without an ExternalID never conflict. New articles get ascending
// ids in input order. Results are in input order.
//
// A nil Article or Fingerprint is an error wrapping dedup.ErrInvalid.
func (db *DB) InsertArticles(ctx context.Context, articles []dedup.NewArticle) ([]dedup.InsertResult, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	if err := validateNewArticles(articles); err != nil {
		return nil, fmt.Errorf("insert articles: %w", err)
	}
	var results []dedup.InsertResult
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var err error
		results, err = insertArticles(ctx, tx, articles)
		return err
	})
	if err != nil {
		return nil, pgErr("insert articles", err)
	}
	return results, nil
}

func insertArticles(ctx context.Context, tx pgx.Tx, in []dedup.NewArticle) ([]dedup.InsertResult, error) {
	ids, clusterIDs, err := allocateIDs(ctx, tx, len(in))
	if err != nil {
		return nil, err
	}
	ingested, err := insertArticleRows(ctx, tx, in, ids, clusterIDs)
	if err != nil {
		return nil, err
	}
	results := make([]dedup.InsertResult, len(in))
	var newIDs, newClusters []int64
	var conflicts []int
	for i, na := range in {
		at, ok := ingested[ids[i]]
		if !ok {
			conflicts = append(conflicts, i)
			continue
		}
		results[i] = dedup.InsertResult{Article: created(na.Article, ids[i], clusterIDs[i], at), Created: true}
		newIDs = append(newIDs, ids[i])
		newClusters = append(newClusters, clusterIDs[i])
	}
	if err := insertOwnClusters(ctx, tx, newClusters, newIDs); err != nil {
		return nil, err
	}
	if err := copyKeys(ctx, tx, in, ids, ingested); err != nil {
		return nil, err
	}
	return results, fillConflicts(ctx, tx, in, conflicts, results)
}

// allocateIDsSQL draws n article ids and n cluster ids up front, in
// ascending order. Knowing them before the insert lets the insert run in any
// order (see insertArticlesSQL) and still number articles in input order. Ids
// drawn for articles that turn out to conflict are simply never used.
const allocateIDsSQL = `
SELECT nextval('articles_id_seq') AS article_id, nextval('clusters_id_seq') AS cluster_id
FROM generate_series(1, $1)
ORDER BY article_id`

func allocateIDs(ctx context.Context, tx pgx.Tx, n int) (ids, clusterIDs []int64, err error) {
	rows, _ := tx.Query(ctx, allocateIDsSQL, n)
	ids = make([]int64, 0, n)
	clusterIDs = make([]int64, 0, n)
	var id, cid int64
	_, err = pgx.ForEachRow(rows, []any{&id, &cid}, func() error {
		ids = append(ids, id)
		clusterIDs = append(clusterIDs, cid)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("allocate ids: %w", err)
	}
	return ids, clusterIDs, nil
}

// insertArticlesSQL inserts a whole batch in one statement from parallel
// arrays. Rows go in (source, external_id) order so that two transactions
// inserting overlapping batches wait on each other's unique keys in the
// same order and cannot deadlock. A conflicting row is skipped, never
// checked for first: the unique constraint decides.
const insertArticlesSQL = `
INSERT INTO articles (id, source, external_id, url, title, body, format, language,
    published_at, version, cluster_id, fp_version, content_hash, simhash, tokens, features)
SELECT id, source, external_id, url, title, body, format, language,
    published_at, version, cluster_id, fp_version, content_hash, simhash, tokens, features
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::text[], $8::text[], $9::timestamptz[], $10::bigint[], $11::bigint[],
    $12::integer[], $13::bigint[], $14::bigint[], $15::integer[], $16::bytea[])
    AS t(id, source, external_id, url, title, body, format, language,
    published_at, version, cluster_id, fp_version, content_hash, simhash, tokens, features)
ORDER BY source, external_id, id
ON CONFLICT (source, external_id) DO NOTHING
RETURNING id, ingested_at`

// insertArticleRows returns the ingestion time of each article it inserted.
func insertArticleRows(ctx context.Context, tx pgx.Tx, in []dedup.NewArticle, ids, clusterIDs []int64) (map[int64]time.Time, error) {
	rows, _ := tx.Query(ctx, insertArticlesSQL, articleArrays(in, ids, clusterIDs)...)
	ingested := make(map[int64]time.Time, len(in))
	var id int64
	var at time.Time
	_, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error {
		ingested[id] = at
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insert rows: %w", err)
	}
	return ingested, nil
}

// articleArrays lays the batch out as the parallel arrays insertArticlesSQL takes.
func articleArrays(in []dedup.NewArticle, ids, clusterIDs []int64) []any {
	n := len(in)
	var (
		source, url, title, body = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		format, language         = make([]string, n), make([]string, n)
		externalID               = make([]*string, n)
		published                = make([]*time.Time, n)
		version, hash, sim       = make([]int64, n), make([]int64, n), make([]int64, n)
		fpVersion, tokens        = make([]int32, n), make([]int32, n)
		features                 = make([][]byte, n)
	)
	for i, na := range in {
		a, fp := na.Article, na.Fingerprint
		source[i], externalID[i], url[i], title[i] = a.Source, nullString(a.ExternalID), a.URL, a.Title
		body[i], format[i], language[i] = a.Body, string(a.Format), a.Language
		published[i], version[i] = nullTime(a.PublishedAt), a.Version
		fpVersion[i], hash[i], sim[i] = int32(fp.Version), toInt64(fp.ContentHash), toInt64(fp.SimHash)
		tokens[i], features[i] = int32(fp.Tokens), fp.Features
	}
	return []any{ids, source, externalID, url, title, body, format, language,
		published, version, clusterIDs, fpVersion, hash, sim, tokens, features}
}

const insertOwnClustersSQL = `
INSERT INTO clusters (id, canonical_id, size)
SELECT id, canonical_id, 1
FROM unnest($1::bigint[], $2::bigint[]) AS t(id, canonical_id)`

// insertOwnClusters creates the one-article cluster of each new article.
func insertOwnClusters(ctx context.Context, tx pgx.Tx, clusterIDs, articleIDs []int64) error {
	if len(clusterIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, insertOwnClustersSQL, clusterIDs, articleIDs); err != nil {
		return fmt.Errorf("insert clusters: %w", err)
	}
	return nil
}

const listArticlesByExternalIDSQL = `
SELECT ` + articleColumns + `
FROM articles
WHERE (source, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`

// fillConflicts sets the results of the articles that were already stored.
// The rows were either committed before our insert (which waited for them)
// or inserted earlier in this transaction, so this read sees them all.
func fillConflicts(ctx context.Context, tx pgx.Tx, in []dedup.NewArticle, conflicts []int, results []dedup.InsertResult) error {
	if len(conflicts) == 0 {
		return nil
	}
	sources, externalIDs := make([]string, len(conflicts)), make([]string, len(conflicts))
	for j, i := range conflicts {
		sources[j], externalIDs[j] = in[i].Article.Source, in[i].Article.ExternalID
	}
	rows, _ := tx.Query(ctx, listArticlesByExternalIDSQL, sources, externalIDs)
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
