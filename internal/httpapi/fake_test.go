package httpapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// errUnexpectedCall is what fakeService returns for a method the test did
// not set up; it surfaces as a 500.
var errUnexpectedCall = errors.New("fake: unexpected call")

// fakeService is a hand-written ArticleService: each test sets the
// functions it expects to be called.
type fakeService struct {
	ingest        func(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error)
	ingestBatch   func(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error)
	check         func(ctx context.Context, in dedup.ArticleInput, th dedup.Thresholds) (*dedup.Result, error)
	getArticle    func(ctx context.Context, id int64) (*dedup.Article, error)
	listMatches   func(ctx context.Context, id int64, th dedup.Thresholds) ([]dedup.Match, error)
	getCluster    func(ctx context.Context, id int64) (*dedup.Cluster, error)
	compare       func(ctx context.Context, a, b int64) (*dedup.Comparison, error)
	deleteArticle func(ctx context.Context, id int64) error
	getByExtID    func(ctx context.Context, source, externalID string) (*dedup.Article, error)
}

var _ ArticleService = (*fakeService)(nil)
var _ ArticleService = (*dedup.Service)(nil)

func (f *fakeService) Ingest(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
	if f.ingest == nil {
		return nil, errUnexpectedCall
	}
	return f.ingest(ctx, in)
}

func (f *fakeService) IngestBatch(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
	if f.ingestBatch == nil {
		return nil, errUnexpectedCall
	}
	return f.ingestBatch(ctx, in)
}

func (f *fakeService) Check(ctx context.Context, in dedup.ArticleInput, th dedup.Thresholds) (*dedup.Result, error) {
	if f.check == nil {
		return nil, errUnexpectedCall
	}
	return f.check(ctx, in, th)
}

func (f *fakeService) GetArticle(ctx context.Context, id int64) (*dedup.Article, error) {
	if f.getArticle == nil {
		return nil, errUnexpectedCall
	}
	return f.getArticle(ctx, id)
}

func (f *fakeService) ListMatches(ctx context.Context, id int64, th dedup.Thresholds) ([]dedup.Match, error) {
	if f.listMatches == nil {
		return nil, errUnexpectedCall
	}
	return f.listMatches(ctx, id, th)
}

func (f *fakeService) GetCluster(ctx context.Context, id int64) (*dedup.Cluster, error) {
	if f.getCluster == nil {
		return nil, errUnexpectedCall
	}
	return f.getCluster(ctx, id)
}

func (f *fakeService) Compare(ctx context.Context, a, b int64) (*dedup.Comparison, error) {
	if f.compare == nil {
		return nil, errUnexpectedCall
	}
	return f.compare(ctx, a, b)
}

func (f *fakeService) DeleteArticle(ctx context.Context, id int64) error {
	if f.deleteArticle == nil {
		return errUnexpectedCall
	}
	return f.deleteArticle(ctx, id)
}

func (f *fakeService) GetArticleByExternalID(ctx context.Context, source, externalID string) (*dedup.Article, error) {
	if f.getByExtID == nil {
		return nil, errUnexpectedCall
	}
	return f.getByExtID(ctx, source, externalID)
}

// pingerFunc is a Pinger made of a function.
type pingerFunc func(ctx context.Context) error

func (f pingerFunc) Ping(ctx context.Context) error { return f(ctx) }

var (
	testIngested  = time.Date(2022, 9, 14, 10, 0, 0, 0, time.UTC)
	testPublished = time.Date(2022, 9, 14, 8, 30, 0, 0, time.FixedZone("CEST", 2*3600))
)

// testArticle is a stored article as the fake returns it.
func testArticle(id int64) *dedup.Article {
	return &dedup.Article{
		ID:          id,
		ExternalID:  fmt.Sprintf("ext-%d", id),
		URL:         "https://example.com/a",
		Title:       "Xi and Putin meet in Samarkand",
		Body:        "SECRET BODY TEXT",
		Format:      dedup.FormatText,
		Source:      "reuters",
		PublishedAt: testPublished,
		Language:    "en",
		IngestedAt:  testIngested,
		ClusterID:   7,
		Matched:     true,
	}
}

// testCluster is a cluster of a canonical article and one rewrite of it.
func testCluster() *dedup.Cluster {
	return &dedup.Cluster{
		ID:          7,
		CanonicalID: 1,
		Members: []dedup.Member{
			{ArticleID: 1},
			{ArticleID: 3, Via: 1, Relation: dedup.RelationRewrite, Score: 0.81},
		},
	}
}

// testResult is an ingest result with a cluster, a rewrite and a partial link.
func testResult(id int64, created bool) *dedup.Result {
	return &dedup.Result{
		Article: testArticle(id),
		Created: created,
		Cluster: testCluster(),
		Matches: []dedup.Match{
			{ArticleID: 1, ClusterID: 7, Relation: dedup.RelationRewrite, Score: 0.81,
				Similarity: dedup.Similarity{Jaccard: 0.4, ContainmentA: 0.6, ContainmentB: 0.55, SimHashDistance: 9}},
			{ArticleID: 4, ClusterID: 9, Relation: dedup.RelationPartial, Score: 0.2,
				Similarity: dedup.Similarity{Jaccard: 0.1, ContainmentA: 0.2, ContainmentB: 0.3, SimHashDistance: 25}},
		},
	}
}
