package store

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func testInsertArticles(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	before := time.Now().Add(-time.Minute)
	noPublished := newArticle("wire", "b", 2)
	noPublished.Article.PublishedAt = time.Time{}
	in := []dedup.NewArticle{newArticle("wire", "a", 1), noPublished, newArticle("wire", "", 3)}
	res := insert(t, st, in...)

	for i, r := range res {
		if !r.Created {
			t.Errorf("result %d: Created = false, want true", i)
		}
		if i > 0 && r.Article.ID <= res[i-1].Article.ID {
			t.Errorf("ids %d, %d not ascending in input order", res[i-1].Article.ID, r.Article.ID)
		}
		if r.Article.IngestedAt.Before(before) || r.Article.Matched {
			t.Errorf("result %d: IngestedAt %v, Matched %v", i, r.Article.IngestedAt, r.Article.Matched)
		}
		want := *in[i].Article
		want.ID, want.ClusterID, want.IngestedAt = r.Article.ID, r.Article.ClusterID, r.Article.IngestedAt
		want.PublishedAt = normTime(want.PublishedAt)
		if d := diff(&want, r.Article); d != "" {
			t.Errorf("result %d (-want +got):\n%s", i, d)
		}
		got, err := st.GetArticle(ctx, r.Article.ID)
		mustNil(t, err)
		if d := diff(r.Article, got); d != "" {
			t.Errorf("GetArticle(%d) differs from insert result (-want +got):\n%s", r.Article.ID, d)
		}
		checkOwnCluster(t, st, r.Article)
	}
	got, err := st.GetArticleByExternalID(ctx, "wire", "b")
	mustNil(t, err)
	if d := diff(res[1].Article, got); d != "" {
		t.Errorf("GetArticleByExternalID (-want +got):\n%s", d)
	}
	_, err = st.GetArticleByExternalID(ctx, "wire", "")
	wantErr(t, err, dedup.ErrNotFound)
}

// checkOwnCluster checks that a new article is the canonical and only member
// of a cluster of its own.
func checkOwnCluster(tb testing.TB, st dedup.Store, a *dedup.Article) {
	tb.Helper()
	c, err := st.GetCluster(tb.Context(), a.ClusterID)
	mustNil(tb, err)
	want := &dedup.Cluster{
		ID: a.ClusterID, CanonicalID: a.ID,
		Members: []dedup.Member{{ArticleID: a.ID, PublishedAt: a.PublishedAt, IngestedAt: a.IngestedAt}},
	}
	if d := diff(want, c, cmpopts.IgnoreFields(dedup.Cluster{}, "UpdatedAt")); d != "" {
		tb.Errorf("cluster of new article %d (-want +got):\n%s", a.ID, d)
	}
}

func testInsertArticlesIdempotent(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	first := insert(t, st, newArticle("wire", "a", 1), newArticle("wire", "", 2))

	changed := newArticle("wire", "a", 9)
	changed.Article.Body = "a revised body"
	res := insert(t, st,
		changed,                     // stored before: left alone
		newArticle("other", "a", 3), // same external id, other source: new
		newArticle("wire", "", 2),   // no external id: never a conflict
		newArticle("wire", "c", 4),  // new
		newArticle("wire", "c", 5),  // same as the previous one: conflict within the batch
		newArticle("wire", "a", 6),  // stored before, again
		newArticle("other", "a", 3), // same as the second one
		newArticle("wire", "", 2),   // no external id again: new
	)
	wantCreated := []bool{false, true, true, true, false, false, false, true}
	for i, r := range res {
		if r.Created != wantCreated[i] {
			t.Errorf("result %d: Created = %v, want %v", i, r.Created, wantCreated[i])
		}
	}
	for _, i := range []int{0, 5} {
		if d := diff(first[0].Article, res[i].Article); d != "" {
			t.Errorf("result %d is not the stored article (-want +got):\n%s", i, d)
		}
	}
	if res[4].Article.ID != res[3].Article.ID || res[6].Article.ID != res[1].Article.ID {
		t.Errorf("duplicates within the batch got ids %d, %d; want %d, %d",
			res[4].Article.ID, res[6].Article.ID, res[3].Article.ID, res[1].Article.ID)
	}
	if res[2].Article.ID == first[1].Article.ID || res[7].Article.ID == res[2].Article.ID {
		t.Errorf("articles without external id were merged: ids %d, %d, %d",
			first[1].Article.ID, res[2].Article.ID, res[7].Article.ID)
	}
	// The conflicting article's keys were not added.
	cands, err := st.ListCandidates(t.Context(), []dedup.CandidateQuery{{Keys: []uint64{9, 5, 6}}})
	mustNil(t, err)
	if len(cands[0]) != 0 {
		t.Errorf("keys of conflicting articles were stored: %v", cands[0])
	}
}

func testInsertArticlesInvalid(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	tests := []struct {
		name string
		in   dedup.NewArticle
	}{
		{"no article", dedup.NewArticle{Fingerprint: &dedup.Fingerprint{}}},
		{"no fingerprint", dedup.NewArticle{Article: &dedup.Article{Source: "s"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.InsertArticles(t.Context(), []dedup.NewArticle{newArticle("s", "ok"), tt.in})
			wantErr(t, err, dedup.ErrInvalid)
		})
	}
	if res, err := st.InsertArticles(t.Context(), nil); err != nil || len(res) != 0 {
		t.Errorf("InsertArticles(nil) = %v, %v; want nothing", res, err)
	}
	_, err := st.GetArticleByExternalID(t.Context(), "s", "ok")
	wantErr(t, err, dedup.ErrNotFound) // the failed batch left nothing behind
}

// testUint64RoundTrip stores hashes and keys >= 2^63, which are negative as
// BIGINT, and expects them back bit for bit.
func testUint64RoundTrip(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	keys := []uint64{math.MaxUint64, 1 << 63, 1<<63 + 12345, 42, 1<<63 - 1, 0}
	na := newArticle("wire", "big", keys...)
	na.Fingerprint.ContentHash = math.MaxUint64
	na.Fingerprint.SimHash = 1 << 63
	id := insert(t, st, na)[0].Article.ID

	fps, err := st.ListFingerprints(ctx, []int64{id})
	mustNil(t, err)
	if len(fps) != 1 {
		t.Fatalf("ListFingerprints returned %d fingerprints, want 1", len(fps))
	}
	want := *na.Fingerprint
	want.Keys = nil // not read back; the postings are checked below
	if d := diff(want, fps[0].Fingerprint); d != "" {
		t.Errorf("fingerprint (-want +got):\n%s", d)
	}
	for _, k := range keys {
		cands, err := st.ListCandidates(ctx, []dedup.CandidateQuery{{Keys: []uint64{k}}})
		mustNil(t, err)
		if d := diff([]dedup.Candidate{{ArticleID: id, Shared: 1}}, cands[0]); d != "" {
			t.Errorf("candidates for key %#x (-want +got):\n%s", k, d)
		}
	}
}

func testNotFound(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"GetArticle", func() error { _, err := st.GetArticle(ctx, 404); return err }},
		{"GetArticleByExternalID", func() error { _, err := st.GetArticleByExternalID(ctx, "s", "x"); return err }},
		{"GetCluster", func() error { _, err := st.GetCluster(ctx, 404); return err }},
		{"GetHookReceipt", func() error { _, err := st.GetHookReceipt(ctx, "msg_x"); return err }},
		{"GetCheckpoint", func() error { _, err := st.GetCheckpoint(ctx, "backfill"); return err }},
		{"MarkDelivered", func() error { return st.MarkDelivered(ctx, 404, time.Now()) }},
		{"MarkRetry", func() error { return st.MarkRetry(ctx, 404, 1, time.Now(), "x") }},
		{"MarkFailed", func() error { return st.MarkFailed(ctx, 404, 1, "x") }},
		{"Redeliver", func() error { return st.Redeliver(ctx, 404) }},
		{"tx.GetCanonical", inTxCall(ctx, st, func(tx dedup.ClusterTx) error { _, err := tx.GetCanonical(ctx, 404); return err })},
		{"tx.UpdateCluster", inTxCall(ctx, st, func(tx dedup.ClusterTx) error { return tx.UpdateCluster(ctx, 404, 1, 1) })},
		{"tx.DeleteCluster", inTxCall(ctx, st, func(tx dedup.ClusterTx) error { return tx.DeleteCluster(ctx, 404) })},
		{"tx.MarkMatched", inTxCall(ctx, st, func(tx dedup.ClusterTx) error { return tx.MarkMatched(ctx, []int64{404}) })},
		{"tx.DeleteArticle", inTxCall(ctx, st, func(tx dedup.ClusterTx) error { return tx.DeleteArticle(ctx, 404) })},
		{"tx.ReplaceArticle", inTxCall(ctx, st, func(tx dedup.ClusterTx) error {
			na := newArticle("s", "x")
			na.Article.ID = 404
			return tx.ReplaceArticle(ctx, na.Article, na.Fingerprint)
		})},
		{"tx.SetMembers", inTxCall(ctx, st, func(tx dedup.ClusterTx) error {
			id, err := tx.InsertCluster(ctx, 0)
			if err != nil {
				return err
			}
			return tx.SetMembers(ctx, id, []dedup.Member{{ArticleID: 404}})
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.call(), dedup.ErrNotFound) })
	}
}

// inTxCall returns a call of fn inside LockClusters.
func inTxCall(ctx context.Context, st dedup.Store, fn func(tx dedup.ClusterTx) error) func() error {
	return func() error {
		return st.LockClusters(ctx, nil, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
			return fn(tx)
		})
	}
}

func testListFingerprints(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	a, b := newArticle("wire", "a", 5, 3, 5, 1), newArticle("wire", "b")
	b.Article.PublishedAt = time.Time{}
	b.Fingerprint.Features = nil
	res := insert(t, st, a, b)

	fps, err := st.ListFingerprints(t.Context(), []int64{res[1].Article.ID, 404, res[0].Article.ID})
	mustNil(t, err)
	var want []dedup.StoredFingerprint
	for i, r := range res {
		fp := *[]dedup.NewArticle{a, b}[i].Fingerprint
		fp.Keys = nil
		want = append(want, dedup.StoredFingerprint{ArticleID: r.Article.ID, ClusterID: r.Article.ClusterID,
			PublishedAt: r.Article.PublishedAt, IngestedAt: r.Article.IngestedAt, Fingerprint: fp})
	}
	if d := diff(want, fps); d != "" {
		t.Errorf("ListFingerprints (-want +got):\n%s", d)
	}
	if fps, err := st.ListFingerprints(t.Context(), nil); err != nil || len(fps) != 0 {
		t.Errorf("ListFingerprints(nil) = %v, %v; want nothing", fps, err)
	}
}

func testListRecentFingerprints(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	res := insert(t, st, newArticle("wire", "a", 1), newArticle("wire", "b", 2), newArticle("wire", "c", 3))
	ids := []int64{res[0].Article.ID, res[1].Article.ID, res[2].Article.ID}
	all, err := st.ListFingerprints(t.Context(), ids)
	mustNil(t, err)
	slices.Reverse(all) // newest first
	tests := []struct {
		before int64
		limit  int
		want   []dedup.StoredFingerprint
	}{
		{0, 10, all},
		{0, 2, all[:2]},
		{ids[2], 10, all[1:]},
		{ids[1], 1, all[2:]},
		{ids[0], 10, nil},
	}
	for _, tt := range tests {
		got, err := st.ListRecentFingerprints(t.Context(), tt.before, tt.limit)
		mustNil(t, err)
		if d := diff(tt.want, got); d != "" {
			t.Errorf("ListRecentFingerprints(%d, %d) (-want +got):\n%s", tt.before, tt.limit, d)
		}
	}
}

func testUpdateFeatures(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	res := insert(t, st, newArticle("wire", "a", 1), newArticle("wire", "b", 2))
	a, b := res[0].Article.ID, res[1].Article.ID
	before, err := st.ListFingerprints(t.Context(), []int64{a, b})
	mustNil(t, err)

	mustNil(t, st.UpdateFeatures(t.Context(), []dedup.FeaturesUpdate{{ArticleID: a, Features: []byte{3, 1, 2}}, {ArticleID: 404, Features: []byte{9}}}))
	mustNil(t, st.UpdateFeatures(t.Context(), nil))

	after, err := st.ListFingerprints(t.Context(), []int64{a, b})
	mustNil(t, err)
	want := slices.Clone(before)
	want[0].Fingerprint.Features = []byte{3, 1, 2}
	if d := diff(want, after); d != "" {
		t.Errorf("after UpdateFeatures (-want +got):\n%s", d)
	}
}
