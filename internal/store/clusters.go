package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// getClusterSQL reads a cluster and its members in one statement, so from
// one snapshot and in one round trip. A cluster without members is one row
// with NULL member columns.
const getClusterSQL = `
SELECT c.canonical_id, c.updated_at,
    a.id, a.published_at, a.ingested_at, a.via, a.relation, a.score
FROM clusters AS c
LEFT JOIN articles AS a ON a.cluster_id = c.id
WHERE c.id = $1
ORDER BY a.id`

// GetCluster returns a cluster with its members, ordered by article id, or
// an error wrapping dedup.ErrNotFound.
func (db *DB) GetCluster(ctx context.Context, id int64) (*dedup.Cluster, error) {
	rows, _ := db.pool.Query(ctx, getClusterSQL, id)
	var c *dedup.Cluster
	var canonical, memberID, via *int64
	var published, ingested *time.Time
	var updated time.Time
	var relation *string
	var score *float64
	_, err := pgx.ForEachRow(rows, []any{&canonical, &updated, &memberID, &published, &ingested, &via, &relation, &score}, func() error {
		if c == nil {
			c = &dedup.Cluster{ID: id, CanonicalID: idOrZero(canonical), Members: []dedup.Member{}, UpdatedAt: updated.UTC()}
		}
		if memberID != nil {
			r := memberRow{ID: *memberID, PublishedAt: published, IngestedAt: *ingested, Via: *via, Relation: *relation, Score: *score}
			c.Members = append(c.Members, r.member())
		}
		return nil
	})
	if err == nil && c == nil {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return nil, pgErr(fmt.Sprintf("get cluster %d", id), err)
	}
	return c, nil
}

const listMembersSQL = `
SELECT id, published_at, ingested_at, via, relation, score
FROM articles
WHERE cluster_id = $1
ORDER BY id`

type memberRow struct {
	ID          int64      `db:"id"`
	PublishedAt *time.Time `db:"published_at"`
	IngestedAt  time.Time  `db:"ingested_at"`
	Via         int64      `db:"via"`
	Relation    string     `db:"relation"`
	Score       float64    `db:"score"`
}

func (r memberRow) member() dedup.Member {
	return dedup.Member{
		ArticleID:   r.ID,
		PublishedAt: timeOrZero(r.PublishedAt),
		IngestedAt:  r.IngestedAt.UTC(),
		Via:         r.Via,
		Relation:    dedup.Relation(r.Relation),
		Score:       r.Score,
	}
}

func listMembers(ctx context.Context, q querier, clusterID int64) ([]dedup.Member, error) {
	rows, _ := q.Query(ctx, listMembersSQL, clusterID)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (dedup.Member, error) {
		r, err := pgx.RowToStructByName[memberRow](row)
		return r.member(), err
	})
}

// ListMembers returns the members of a cluster, ordered by article id; none
// if the cluster is empty or does not exist.
func (c *clusterTx) ListMembers(ctx context.Context, clusterID int64) ([]dedup.Member, error) {
	members, err := listMembers(ctx, c.tx, clusterID)
	return members, pgErr(fmt.Sprintf("list members of cluster %d", clusterID), err)
}

const getCanonicalSQL = `
SELECT canonical_id
FROM clusters
WHERE id = $1`

// GetCanonical returns the canonical article id of a cluster (0 if it has
// none yet), or an error wrapping dedup.ErrNotFound.
func (c *clusterTx) GetCanonical(ctx context.Context, clusterID int64) (int64, error) {
	var canonical *int64
	if err := c.tx.QueryRow(ctx, getCanonicalSQL, clusterID).Scan(&canonical); err != nil {
		return 0, pgErr(fmt.Sprintf("get canonical of cluster %d", clusterID), err)
	}
	return idOrZero(canonical), nil
}

const insertClusterSQL = `
INSERT INTO clusters (canonical_id, size)
VALUES ($1, 0)
RETURNING id`

// InsertCluster creates an empty cluster (size 0) and returns its id. A
// canonicalID of 0 means none yet.
func (c *clusterTx) InsertCluster(ctx context.Context, canonicalID int64) (int64, error) {
	var id int64
	if err := c.tx.QueryRow(ctx, insertClusterSQL, nullID(canonicalID)).Scan(&id); err != nil {
		return 0, pgErr("insert cluster", err)
	}
	return id, nil
}

const updateClusterSQL = `
UPDATE clusters
SET canonical_id = $2, size = $3, updated_at = now()
WHERE id = $1`

// UpdateCluster sets a cluster's canonical article and member count, or
// returns an error wrapping dedup.ErrNotFound.
func (c *clusterTx) UpdateCluster(ctx context.Context, clusterID, canonicalID int64, size int) error {
	tag, err := c.tx.Exec(ctx, updateClusterSQL, clusterID, nullID(canonicalID), size)
	if err == nil && tag.RowsAffected() == 0 {
		err = dedup.ErrNotFound
	}
	return pgErr(fmt.Sprintf("update cluster %d", clusterID), err)
}

// deleteClusterSQL deletes the cluster only if no article is in it; the
// deferred foreign key would otherwise report it only at commit.
const deleteClusterSQL = `
DELETE FROM clusters
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM articles WHERE cluster_id = $1)
RETURNING id`

const clusterExistsSQL = `
SELECT EXISTS (SELECT 1 FROM clusters WHERE id = $1)`

// DeleteCluster removes a cluster that no longer has members. A missing
// cluster is an error wrapping dedup.ErrNotFound, one that still has members
// an error wrapping dedup.ErrConflict.
func (c *clusterTx) DeleteCluster(ctx context.Context, clusterID int64) error {
	op := fmt.Sprintf("delete cluster %d", clusterID)
	var id int64
	err := c.tx.QueryRow(ctx, deleteClusterSQL, clusterID).Scan(&id)
	if !errors.Is(err, pgx.ErrNoRows) {
		return pgErr(op, err)
	}
	var exists bool
	if err := c.tx.QueryRow(ctx, clusterExistsSQL, clusterID).Scan(&exists); err != nil {
		return pgErr(op, err)
	}
	if exists {
		return fmt.Errorf("%s: still has members: %w", op, dedup.ErrConflict)
	}
	return fmt.Errorf("%s: %w", op, dedup.ErrNotFound)
}

const setMembersSQL = `
UPDATE articles AS a
SET cluster_id = $1, via = m.via, relation = m.relation, score = m.score
FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::float8[]) AS m(id, via, relation, score)
WHERE a.id = m.id`

// SetMembers puts each member's article in the cluster with its Via,
// Relation and Score (PublishedAt and IngestedAt are ignored). It does not
// change cluster sizes: UpdateCluster does. If a member's article does not
// exist, it returns an error wrapping dedup.ErrNotFound.
func (c *clusterTx) SetMembers(ctx context.Context, clusterID int64, members []dedup.Member) error {
	members = lastMemberPerArticle(members)
	if len(members) == 0 {
		return nil
	}
	ids, via := make([]int64, len(members)), make([]int64, len(members))
	rel, score := make([]string, len(members)), make([]float64, len(members))
	for i, m := range members {
		ids[i], via[i], rel[i], score[i] = m.ArticleID, m.Via, string(m.Relation), m.Score
	}
	tag, err := c.tx.Exec(ctx, setMembersSQL, clusterID, ids, via, rel, score)
	if err == nil && tag.RowsAffected() != int64(len(members)) {
		err = fmt.Errorf("%d of %d articles missing: %w", int64(len(members))-tag.RowsAffected(), len(members), dedup.ErrNotFound)
	}
	return pgErr(fmt.Sprintf("set members of cluster %d", clusterID), err)
}

// lastMemberPerArticle keeps the last entry for each article: an UPDATE
// joined to two rows for one article would apply an arbitrary one.
func lastMemberPerArticle(members []dedup.Member) []dedup.Member {
	pos := make(map[int64]int, len(members))
	var out []dedup.Member
	for _, m := range members {
		if i, ok := pos[m.ArticleID]; ok {
			out[i] = m
			continue
		}
		pos[m.ArticleID] = len(out)
		out = append(out, m)
	}
	return out
}
