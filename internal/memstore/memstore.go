// Package memstore is an in-memory dedup.Store for unit tests and for
// evaluation runs that measure the engine without a database.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// Store keeps everything in maps behind one mutex. LockClusters holds the
// mutex for the whole callback, which serializes cluster changes as the
// database stores' locks do.
type Store struct {
	mu        sync.Mutex
	nextID    int64
	nextCID   int64
	articles  map[int64]*row
	byExt     map[[2]string]int64
	postings  map[uint64][]int64 // ascending article ids
	clusters  map[int64]*clusterRow
	byCluster map[int64]map[int64]bool // cluster id → article ids
	links     map[[2]int64]dedup.Link
	linksOf   map[int64]map[[2]int64]bool
	Events    []dedup.Event
	now       func() time.Time
}

type row struct {
	a  dedup.Article
	fp dedup.Fingerprint
	m  dedup.Member
}

type clusterRow struct {
	canonical int64
	size      int
}

// New returns an empty store.
func New() *Store {
	return &Store{
		articles: map[int64]*row{}, byExt: map[[2]string]int64{}, postings: map[uint64][]int64{},
		clusters: map[int64]*clusterRow{}, byCluster: map[int64]map[int64]bool{}, links: map[[2]int64]dedup.Link{}, linksOf: map[int64]map[[2]int64]bool{},
		now: func() time.Time { return time.Now().UTC() },
	}
}

// InsertArticles implements dedup.Store.
func (s *Store) InsertArticles(_ context.Context, news []dedup.NewArticle) ([]dedup.InsertResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]dedup.InsertResult, len(news))
	for i, n := range news {
		k := [2]string{n.Article.Source, n.Article.ExternalID}
		if id, ok := s.byExt[k]; ok && n.Article.ExternalID != "" {
			a := s.articles[id].a
			out[i] = dedup.InsertResult{Article: &a}
			continue
		}
		s.nextID++
		s.nextCID++
		a := *n.Article
		a.ID, a.ClusterID, a.IngestedAt, a.Matched = s.nextID, s.nextCID, s.now(), false
		r := &row{a: a, fp: *n.Fingerprint}
		r.m = dedup.Member{ArticleID: a.ID, PublishedAt: a.PublishedAt, IngestedAt: a.IngestedAt}
		s.articles[a.ID] = r
		if a.ExternalID != "" {
			s.byExt[k] = a.ID
		}
		s.clusters[a.ClusterID] = &clusterRow{canonical: a.ID, size: 1}
		s.setCluster(a.ID, 0, a.ClusterID)
		s.addKeys(a.ID, n.Fingerprint.Keys)
		cp := a
		out[i] = dedup.InsertResult{Article: &cp, Created: true}
	}
	return out, nil
}

func (s *Store) addKeys(id int64, keys []uint64) {
	for _, k := range keys {
		s.postings[k] = append(s.postings[k], id)
	}
}

func (s *Store) removeKeys(id int64, keys []uint64) {
	for _, k := range keys {
		s.postings[k] = slices.DeleteFunc(s.postings[k], func(x int64) bool { return x == id })
	}
}

// GetArticle implements dedup.Store.
func (s *Store) GetArticle(_ context.Context, id int64) (*dedup.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.articles[id]
	if !ok {
		return nil, fmt.Errorf("article %d: %w", id, dedup.ErrNotFound)
	}
	a := r.a
	return &a, nil
}

// GetArticleByExternalID implements dedup.Store.
func (s *Store) GetArticleByExternalID(ctx context.Context, source, ext string) (*dedup.Article, error) {
	s.mu.Lock()
	id, ok := s.byExt[[2]string{source, ext}]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("article %s/%s: %w", source, ext, dedup.ErrNotFound)
	}
	return s.GetArticle(ctx, id)
}

// ListCandidates implements dedup.Store.
func (s *Store) ListCandidates(_ context.Context, qs []dedup.CandidateQuery) ([][]dedup.Candidate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]dedup.Candidate, len(qs))
	for i, q := range qs {
		var lists [][]int64
		for _, k := range slices.Compact(slices.Sorted(slices.Values(q.Keys))) {
			post := s.postings[k]
			var list []int64
			for j := len(post) - 1; j >= 0 && (q.MaxPostings == 0 || len(list) < q.MaxPostings); j-- {
				if id := post[j]; id != q.ExcludeID && (q.BeforeID <= 0 || id < q.BeforeID) && !q.Later.Has(id) {
					list = append(list, id)
				}
			}
			lists = append(lists, list)
		}
		out[i] = dedup.RankCandidates(lists, q)
	}
	return out, nil
}

// ListFingerprints implements dedup.Store.
func (s *Store) ListFingerprints(_ context.Context, ids []int64) ([]dedup.StoredFingerprint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fingerprints(ids), nil
}

func (s *Store) fingerprints(ids []int64) []dedup.StoredFingerprint {
	var out []dedup.StoredFingerprint
	for _, id := range ids {
		if r, ok := s.articles[id]; ok {
			fp := r.fp
			fp.Keys = nil // as dedup.Store.ListFingerprints says
			out = append(out, dedup.StoredFingerprint{ArticleID: id, ClusterID: r.a.ClusterID, PublishedAt: r.a.PublishedAt, IngestedAt: r.a.IngestedAt, Fingerprint: fp})
		}
	}
	return out
}

// ListRecentFingerprints implements dedup.RecentLister.
func (s *Store) ListRecentFingerprints(_ context.Context, beforeID int64, limit int) ([]dedup.StoredFingerprint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.articles))
	for id := range s.articles {
		if beforeID <= 0 || id < beforeID {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	return s.fingerprints(ids[:min(limit, len(ids))]), nil
}

// ListLinks implements dedup.Store.
func (s *Store) ListLinks(_ context.Context, id int64) ([]dedup.Link, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.linksAmong([]int64{id}), nil
}

func (s *Store) linksAmong(ids []int64) []dedup.Link {
	seen := map[[2]int64]bool{}
	var out []dedup.Link
	for _, id := range ids {
		for k := range s.linksOf[id] {
			if !seen[k] {
				seen[k] = true
				out = append(out, s.links[k])
			}
		}
	}
	slices.SortFunc(out, func(a, b dedup.Link) int {
		if c := cmp.Compare(a.A, b.A); c != 0 {
			return c
		}
		return cmp.Compare(a.B, b.B)
	})
	return out
}

// GetCluster implements dedup.Store.
func (s *Store) GetCluster(_ context.Context, id int64) (*dedup.Cluster, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clusters[id]
	if !ok {
		return nil, fmt.Errorf("cluster %d: %w", id, dedup.ErrNotFound)
	}
	return &dedup.Cluster{ID: id, CanonicalID: c.canonical, Members: s.members(id)}, nil
}

func (s *Store) setCluster(id, from, to int64) {
	delete(s.byCluster[from], id)
	if to == 0 {
		return
	}
	if s.byCluster[to] == nil {
		s.byCluster[to] = map[int64]bool{}
	}
	s.byCluster[to][id] = true
}

func (s *Store) members(cid int64) []dedup.Member {
	var out []dedup.Member
	for id := range s.byCluster[cid] {
		out = append(out, s.articles[id].m)
	}
	slices.SortFunc(out, func(a, b dedup.Member) int { return cmp.Compare(a.ArticleID, b.ArticleID) })
	return out
}

// LockClusters implements dedup.Store. A failing callback's changes are
// not rolled back: tests that need rollback use a database store.
func (s *Store) LockClusters(ctx context.Context, ids []int64, fn func(context.Context, dedup.ClusterTx, map[int64]int64) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clusterOf := map[int64]int64{}
	for _, id := range ids {
		if r, ok := s.articles[id]; ok {
			clusterOf[id] = r.a.ClusterID
		}
	}
	return fn(ctx, tx{s}, clusterOf)
}

// UpdateFeatures implements dedup.Store.
func (s *Store) UpdateFeatures(_ context.Context, updates []dedup.FeaturesUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		if r, ok := s.articles[u.ArticleID]; ok {
			r.fp.Features = u.Features
		}
	}
	return nil
}
