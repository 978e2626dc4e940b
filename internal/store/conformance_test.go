package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// storeUnderTest is what the conformance suite exercises: what the
// commands use of a store, and a test hook.
type storeUnderTest interface {
	Store
	clusterSizes(ctx context.Context) (map[int64]int, error)
}

var (
	_ storeUnderTest = (*DB)(nil)
	_ storeUnderTest = (*Embedded)(nil)
)

// newStoreFunc opens an empty store for one test and cleans it up after.
type newStoreFunc func(tb testing.TB, opts ...Option) storeUnderTest

// runConformance runs the whole suite against one store implementation.
func runConformance(t *testing.T, newStore newStoreFunc) {
	tests := []struct {
		name string
		fn   func(t *testing.T, newStore newStoreFunc)
	}{
		{"InsertArticles", testInsertArticles},
		{"InsertArticlesIdempotent", testInsertArticlesIdempotent},
		{"InsertArticlesInvalid", testInsertArticlesInvalid},
		{"Uint64RoundTrip", testUint64RoundTrip},
		{"NotFound", testNotFound},
		{"ListCandidates", testListCandidates},
		{"ListFingerprints", testListFingerprints},
		{"ListRecentFingerprints", testListRecentFingerprints},
		{"UpdateFeatures", testUpdateFeatures},
		{"Links", testLinks},
		{"ClusterTx", testClusterTx},
		{"ArticleTx", testArticleTx},
		{"LockClustersRollback", testLockClustersRollback},
		{"LockClustersSeesMove", testLockClustersSeesMove},
		{"LockClustersConcurrent", testLockClustersConcurrent},
		{"Events", testEvents},
		{"Outbox", testOutbox},
		{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
		{"HookReceipts", testHookReceipts},
		{"HookReceiptsConcurrent", testHookReceiptsConcurrent},
		{"Checkpoints", testCheckpoints},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore) })
	}
}

func TestPostgres(t *testing.T) {
	requireDB(t)
	runConformance(t, func(tb testing.TB, opts ...Option) storeUnderTest { return newTestDB(tb, opts...) })
}

func TestEmbedded(t *testing.T) {
	runConformance(t, func(tb testing.TB, opts ...Option) storeUnderTest { return newTestEmbedded(tb, opts...) })
}

// Fixtures and helpers.

var published = time.Date(2024, 5, 17, 9, 30, 0, 123456789, time.UTC)

// newArticle makes an article to insert with the given candidate keys.
func newArticle(source, externalID string, keys ...uint64) dedup.NewArticle {
	return dedup.NewArticle{
		Article: &dedup.Article{
			ExternalID: externalID, URL: "https://example.com/" + externalID, Title: "Title " + externalID,
			Body: "Body of " + externalID, Format: dedup.FormatText, Source: source,
			PublishedAt: published, Language: "en", Version: 3,
		},
		Fingerprint: &dedup.Fingerprint{
			Version: dedup.FingerprintVersion, ContentHash: 1<<63 + 7, SimHash: 0xdeadbeefcafef00d,
			Tokens: 120, Keys: keys, Features: []byte{0, 1, 2, 0xff},
		},
	}
}

func insert(tb testing.TB, st dedup.Store, articles ...dedup.NewArticle) []dedup.InsertResult {
	tb.Helper()
	res, err := st.InsertArticles(tb.Context(), articles)
	if err != nil {
		tb.Fatalf("InsertArticles: %v", err)
	}
	if len(res) != len(articles) {
		tb.Fatalf("InsertArticles returned %d results for %d articles", len(res), len(articles))
	}
	return res
}

// insertIDs inserts articles with the given keys (one []uint64 each) and returns their ids.
func insertIDs(tb testing.TB, st dedup.Store, keys ...[]uint64) []int64 {
	tb.Helper()
	var in []dedup.NewArticle
	for i, k := range keys {
		in = append(in, newArticle("wire", fmt.Sprintf("a%03d", i), k...))
	}
	var ids []int64
	for _, r := range insert(tb, st, in...) {
		ids = append(ids, r.Article.ID)
	}
	return ids
}

func wantErr(tb testing.TB, err, target error) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Fatalf("got error %v, want one wrapping %v", err, target)
	}
}

func mustNil(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// inLock runs fn inside LockClusters over articleIDs and fails on error.
func inLock(tb testing.TB, st dedup.Store, articleIDs []int64, fn func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error) {
	tb.Helper()
	if err := st.LockClusters(tb.Context(), articleIDs, fn); err != nil {
		tb.Fatalf("LockClusters: %v", err)
	}
}

var equateEmpty = cmpopts.EquateEmpty()

func diff(x, y any, opts ...cmp.Option) string {
	return cmp.Diff(x, y, append(opts, equateEmpty)...)
}

// withCopyPostingsAbove sets the number of postings above which
// InsertArticles writes them with COPY; -1 takes that path always.
func withCopyPostingsAbove(n int) Option {
	return func(o *options) { o.copyPostingsAbove = n }
}

// TestPostgresCopyPostings runs the tests that insert articles and read
// their postings back with every batch taking the COPY path, which the
// conformance tests' small batches otherwise never reach.
func TestPostgresCopyPostings(t *testing.T) {
	requireDB(t)
	newStore := func(tb testing.TB, opts ...Option) storeUnderTest {
		return newTestDB(tb, append(opts, withCopyPostingsAbove(-1))...)
	}
	for name, fn := range map[string]func(*testing.T, newStoreFunc){
		"InsertArticles":           testInsertArticles,
		"InsertArticlesIdempotent": testInsertArticlesIdempotent,
		"ListCandidates":           testListCandidates,
	} {
		t.Run(name, func(t *testing.T) { fn(t, newStore) })
	}
}
