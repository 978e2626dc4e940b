package dedup

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Store is the persistence the Service needs. internal/store implements it
// for Postgres and for the embedded on-disk store; both pass one conformance
// suite. Every method takes ctx first and returns errors wrapping
// ErrNotFound, ErrConflict or ErrUnavailable where those apply.
type Store interface {
	// InsertArticles stores new articles, with their fingerprints and
	// candidate keys, in one transaction that commits before it returns.
	// Each new article gets a cluster of its own and Matched false. An
	// article whose (Source, ExternalID) is already stored is left alone: its
	// result carries the stored article and Created false. Results are in
	// input order.
	InsertArticles(ctx context.Context, articles []NewArticle) ([]InsertResult, error)
	// GetArticle returns one article or an error wrapping ErrNotFound.
	GetArticle(ctx context.Context, id int64) (*Article, error)
	// GetArticleByExternalID returns the article stored under (source,
	// externalID) or an error wrapping ErrNotFound.
	GetArticleByExternalID(ctx context.Context, source, externalID string) (*Article, error)
	// ListCandidates answers each query with the stored articles that share
	// at least one candidate key with it, ranked and bounded as
	// RankCandidates says.
	ListCandidates(ctx context.Context, queries []CandidateQuery) ([][]Candidate, error)
	// ListFingerprints returns the stored fingerprints of the given articles;
	// ids that do not exist are left out. Keys are left empty: they are
	// only ever searched by (ListCandidates), and verification, which reads
	// many fingerprints per article, needs the rest.
	ListFingerprints(ctx context.Context, ids []int64) ([]StoredFingerprint, error)
	// UpdateFeatures replaces the stored Fingerprint.Features of articles
	// (matching found recurring furniture in them) in one transaction;
	// ids that do not exist are skipped.
	UpdateFeatures(ctx context.Context, updates []FeaturesUpdate) error
	// ListLinks returns every link that has the article at either end.
	ListLinks(ctx context.Context, articleID int64) ([]Link, error)
	// GetCluster returns a cluster with its members (ordered by article id)
	// or an error wrapping ErrNotFound.
	GetCluster(ctx context.Context, id int64) (*Cluster, error)
	// LockClusters runs fn in one transaction that holds exclusive locks on
	// the clusters the given articles belong to, taken in ascending cluster
	// id order so that concurrent callers cannot deadlock. clusterOf maps
	// each given article that still exists to its cluster, read after the
	// locks were taken. fn may only change those clusters (and clusters it
	// creates). If fn returns an error, nothing it did is kept. fn may be
	// called more than once (the store retries when a cluster moved while
	// it waited for the locks, or on a serialization failure), so it must
	// have no effect outside tx; and it must use only tx, not the Store.
	LockClusters(ctx context.Context, articleIDs []int64, fn func(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64) error) error
}

// ClusterTx is the store as seen inside LockClusters.
type ClusterTx interface {
	// ListMembers returns the members of a cluster, ordered by article id.
	ListMembers(ctx context.Context, clusterID int64) ([]Member, error)
	// GetCanonical returns the canonical article id of a cluster.
	GetCanonical(ctx context.Context, clusterID int64) (int64, error)
	// ListLinks returns every link with at least one end in articleIDs.
	ListLinks(ctx context.Context, articleIDs []int64) ([]Link, error)
	// ListFingerprints is Store.ListFingerprints inside the transaction.
	ListFingerprints(ctx context.Context, ids []int64) ([]StoredFingerprint, error)
	// UpsertLinks stores links; a link with the same (A, B) is overwritten.
	UpsertLinks(ctx context.Context, links []Link) error
	// DeleteLinks removes every link that has the article at either end.
	DeleteLinks(ctx context.Context, articleID int64) error
	// InsertCluster creates an empty cluster and returns its id.
	InsertCluster(ctx context.Context, canonicalID int64) (int64, error)
	// UpdateCluster sets a cluster's canonical article and member count;
	// call it after every change of membership.
	UpdateCluster(ctx context.Context, clusterID, canonicalID int64, size int) error
	// DeleteCluster removes a cluster that no longer has members; one that
	// still has members is an error wrapping ErrConflict.
	DeleteCluster(ctx context.Context, clusterID int64) error
	// SetMembers puts each member's article in the cluster with its Via,
	// Relation and Score.
	SetMembers(ctx context.Context, clusterID int64, members []Member) error
	// MarkMatched records that the articles' links and clusters are
	// decided; a missing article is an error wrapping ErrNotFound.
	MarkMatched(ctx context.Context, articleIDs []int64) error
	// ReplaceArticle overwrites a stored article's content, version,
	// fingerprint and candidate keys, and marks it unmatched. It does not
	// touch links or clusters.
	ReplaceArticle(ctx context.Context, a *Article, fp *Fingerprint) error
	// DeleteArticle removes an article, its candidate keys and its links.
	DeleteArticle(ctx context.Context, id int64) error
	// InsertEvents appends events to the outbox.
	InsertEvents(ctx context.Context, events []Event) error
}

// NewArticle is an article to insert with its fingerprint.
type NewArticle struct {
	Article     *Article // ID, IngestedAt, ClusterID and Matched are set by the store
	Fingerprint *Fingerprint
}

// InsertResult is the outcome of inserting one NewArticle.
type InsertResult struct {
	Article *Article // as stored (the existing row when Created is false)
	Created bool
}

// CandidateQuery asks for stored articles that share candidate keys.
type CandidateQuery struct {
	Keys      []uint64
	ExcludeID int64 // leave this article out (the query's own)
	BeforeID  int64 // when > 0, only articles with a smaller id
	Limit     int   // at most this many candidates
	// MaxPostings bounds the work per key: only the newest MaxPostings
	// articles under one key are considered, so that a key shared by
	// thousands of articles (boilerplate) cannot make a query slow. A key
	// that fills its MaxPostings is common (see RankCandidates).
	MaxPostings int
	// Later, when its To > 0, leaves out the ids in [From, To]: the
	// articles a batch stored after the query's own, which one-at-a-time
	// ingest would not have stored yet.
	Later IDRange
}

// IDRange is the article ids from From to To, both included.
type IDRange struct{ From, To int64 }

// Has reports whether id is in the range; an empty range (To <= 0) has
// none.
func (r IDRange) Has(id int64) bool { return r.To > 0 && r.From <= id && id <= r.To }

// Candidate is a stored article that shares Shared candidate keys with a query.
type Candidate struct {
	ArticleID int64
	Shared    int
}

// RankCandidates turns the posting lists of a query's distinct keys, each
// already cut to the newest q.MaxPostings articles that q.ExcludeID,
// q.BeforeID and q.Later allow, into the query's answer. This is the rule every Store
// follows (Postgres does it in SQL):
//
//   - A key whose list is full (q.MaxPostings articles, MaxPostings > 0) is
//     common: a phrase like "U.S. President Donald Trump" or a crowded LSH
//     bucket. An article that shares only such one key with the query is
//     left out: alone, a common key is chance, and in a large store such
//     chance candidates would otherwise fill every query's Limit.
//   - The rest are ranked by shared keys, most first; then by their rarest
//     shared key's list length, shortest first; then by ascending id. The
//     first q.Limit are kept (all when Limit is 0).
func RankCandidates(postings [][]int64, q CandidateQuery) []Candidate {
	type tally struct{ shared, rarest int }
	seen := map[int64]tally{}
	for _, list := range postings {
		for _, id := range list {
			t, ok := seen[id]
			if !ok || len(list) < t.rarest {
				t.rarest = len(list)
			}
			t.shared++
			seen[id] = t
		}
	}
	type ranked struct {
		Candidate
		rarest int
	}
	rs := make([]ranked, 0, len(seen))
	for id, t := range seen {
		if t.shared == 1 && q.MaxPostings > 0 && t.rarest >= q.MaxPostings {
			continue
		}
		rs = append(rs, ranked{Candidate{ArticleID: id, Shared: t.shared}, t.rarest})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.Shared, a.Shared), cmp.Compare(a.rarest, b.rarest), cmp.Compare(a.ArticleID, b.ArticleID))
	})
	if q.Limit > 0 && len(rs) > q.Limit {
		rs = rs[:q.Limit]
	}
	if len(rs) == 0 {
		return nil
	}
	out := make([]Candidate, len(rs))
	for i, r := range rs {
		out[i] = r.Candidate
	}
	return out
}

// FeaturesUpdate is the new Fingerprint.Features of a stored article.
type FeaturesUpdate struct {
	ArticleID int64
	Features  []byte
}

// StoredFingerprint is what verification needs of a stored article.
type StoredFingerprint struct {
	ArticleID   int64
	ClusterID   int64
	PublishedAt time.Time
	IngestedAt  time.Time
	Fingerprint Fingerprint
}

// EventType names an outbound cluster event.
type EventType string

// Outbound event types.
const (
	EventArticleClustered EventType = "article.clustered"
	EventClusterChanged   EventType = "cluster.changed"
	EventArticleRemoved   EventType = "article.removed"
)

// Event is a change to a cluster, written to the outbox in the same
// transaction as the change and delivered to subscribers later.
type Event struct {
	Type        EventType `json:"type"`
	ArticleID   int64     `json:"article_id,omitempty"`
	ClusterID   int64     `json:"cluster_id"`
	CanonicalID int64     `json:"canonical_id,omitempty"`
	Members     []int64   `json:"members"`
	OccurredAt  time.Time `json:"occurred_at"`
}
