package memstore

import (
	"context"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// tx is the store seen from inside LockClusters; the mutex is held.
type tx struct{ s *Store }

func (t tx) ListMembers(_ context.Context, cid int64) ([]dedup.Member, error) {
	return t.s.members(cid), nil
}

func (t tx) GetCanonical(_ context.Context, cid int64) (int64, error) {
	c, ok := t.s.clusters[cid]
	if !ok {
		return 0, fmt.Errorf("cluster %d: %w", cid, dedup.ErrNotFound)
	}
	return c.canonical, nil
}

func (t tx) ListLinks(_ context.Context, ids []int64) ([]dedup.Link, error) {
	return t.s.linksAmong(ids), nil
}

func (t tx) ListFingerprints(_ context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	return t.s.fingerprints(ids), nil
}

func (t tx) UpsertLinks(_ context.Context, links []dedup.Link) error {
	for _, l := range links {
		k := [2]int64{l.A, l.B}
		t.s.links[k] = l
		for _, id := range k {
			if t.s.linksOf[id] == nil {
				t.s.linksOf[id] = map[[2]int64]bool{}
			}
			t.s.linksOf[id][k] = true
		}
	}
	return nil
}

func (t tx) DeleteLinks(_ context.Context, id int64) error {
	for k := range t.s.linksOf[id] {
		delete(t.s.links, k)
		other := k[0]
		if other == id {
			other = k[1]
		}
		delete(t.s.linksOf[other], k)
	}
	delete(t.s.linksOf, id)
	return nil
}

func (t tx) InsertCluster(_ context.Context, canonical int64) (int64, error) {
	t.s.nextCID++
	t.s.clusters[t.s.nextCID] = &clusterRow{canonical: canonical}
	return t.s.nextCID, nil
}

func (t tx) UpdateCluster(_ context.Context, cid, canonical int64, size int) error {
	c, ok := t.s.clusters[cid]
	if !ok {
		return fmt.Errorf("cluster %d: %w", cid, dedup.ErrNotFound)
	}
	c.canonical, c.size = canonical, size
	return nil
}

func (t tx) DeleteCluster(_ context.Context, cid int64) error {
	if len(t.s.byCluster[cid]) > 0 {
		return fmt.Errorf("delete cluster %d: it still has members: %w", cid, dedup.ErrConflict)
	}
	delete(t.s.clusters, cid)
	delete(t.s.byCluster, cid)
	return nil
}

func (t tx) SetMembers(_ context.Context, cid int64, ms []dedup.Member) error {
	for _, m := range ms {
		r, ok := t.s.articles[m.ArticleID]
		if !ok {
			return fmt.Errorf("article %d: %w", m.ArticleID, dedup.ErrNotFound)
		}
		t.s.setCluster(m.ArticleID, r.a.ClusterID, cid)
		r.a.ClusterID = cid
		r.m.Via, r.m.Relation, r.m.Score = m.Via, m.Relation, m.Score
	}
	return nil
}

func (t tx) MarkMatched(_ context.Context, ids []int64) error {
	for _, id := range ids {
		r, ok := t.s.articles[id]
		if !ok {
			return fmt.Errorf("article %d: %w", id, dedup.ErrNotFound)
		}
		r.a.Matched = true
	}
	return nil
}

func (t tx) ReplaceArticle(_ context.Context, a *dedup.Article, fp *dedup.Fingerprint) error {
	r, ok := t.s.articles[a.ID]
	if !ok {
		return fmt.Errorf("article %d: %w", a.ID, dedup.ErrNotFound)
	}
	t.s.removeKeys(a.ID, r.fp.Keys)
	cid, ing := r.a.ClusterID, r.a.IngestedAt
	r.a = *a
	r.a.ClusterID, r.a.IngestedAt, r.a.Matched = cid, ing, false
	r.fp = *fp
	r.m.PublishedAt = a.PublishedAt
	t.s.addKeys(a.ID, fp.Keys)
	return nil
}

func (t tx) DeleteArticle(ctx context.Context, id int64) error {
	r, ok := t.s.articles[id]
	if !ok {
		return fmt.Errorf("article %d: %w", id, dedup.ErrNotFound)
	}
	if err := t.DeleteLinks(ctx, id); err != nil {
		return err
	}
	t.s.removeKeys(id, r.fp.Keys)
	delete(t.s.byExt, [2]string{r.a.Source, r.a.ExternalID})
	t.s.setCluster(id, r.a.ClusterID, 0)
	delete(t.s.articles, id)
	return nil
}

func (t tx) InsertEvents(_ context.Context, events []dedup.Event) error {
	t.s.Events = append(t.s.Events, events...)
	return nil
}
