package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func testLinks(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	ids := insertIDs(t, st, nil, nil, nil)
	a1, a2, a3 := ids[0], ids[1], ids[2]
	l12 := dedup.Link{A: a1, B: a2, Relation: dedup.RelationCopy, Score: 0.8}
	l31 := dedup.Link{A: a3, B: a1, Relation: dedup.RelationPartial, Score: 0.25}
	l23 := dedup.Link{A: a2, B: a3, Relation: dedup.RelationRewrite, Score: 0.6}

	inLock(t, st, ids, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		stale := dedup.Link{A: a1, B: a2, Relation: dedup.RelationPartial, Score: 0.1}
		return tx.UpsertLinks(ctx, []dedup.Link{stale, l31, l23, l12}) // the last (a1, a2) wins
	})
	got, err := st.ListLinks(ctx, a1)
	mustNil(t, err)
	if d := diff([]dedup.Link{l12, l31}, got); d != "" {
		t.Errorf("ListLinks(a1) (-want +got):\n%s", d)
	}

	l12.Relation, l12.Score = dedup.RelationExact, 1
	inLock(t, st, ids, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		if err := tx.UpsertLinks(ctx, []dedup.Link{l12}); err != nil {
			return err
		}
		got, err := tx.ListLinks(ctx, []int64{a2, a3})
		if d := diff([]dedup.Link{l12, l23, l31}, got); err == nil && d != "" {
			t.Errorf("tx.ListLinks(a2, a3) after overwrite (-want +got):\n%s", d)
		}
		return err
	})

	inLock(t, st, ids, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.DeleteLinks(ctx, a1)
	})
	got, err = st.ListLinks(ctx, a3)
	mustNil(t, err)
	if d := diff([]dedup.Link{l23}, got); d != "" {
		t.Errorf("ListLinks(a3) after DeleteLinks(a1) (-want +got):\n%s", d)
	}

	err = st.LockClusters(ctx, ids, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.UpsertLinks(ctx, []dedup.Link{{A: a1, B: 404, Relation: dedup.RelationCopy, Score: 1}})
	})
	wantErr(t, err, dedup.ErrConflict)
}

// testClusterTx merges two clusters and splits one off again, through
// every cluster method of ClusterTx.
func testClusterTx(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	res := insert(t, st, newArticle("wire", "a"), newArticle("wire", "b"), newArticle("wire", "c"))
	a, b, c := res[0].Article, res[1].Article, res[2].Article
	mergeInto(t, st, a, b)
	newID := splitOff(t, st, a, b, c)
	for _, w := range []*dedup.Cluster{
		{ID: a.ClusterID, CanonicalID: a.ID, Members: []dedup.Member{member(a, 0, "", 0)}},
		{ID: newID, CanonicalID: c.ID, Members: []dedup.Member{member(b, c.ID, dedup.RelationRewrite, 0.7), member(c, 0, "", 0)}},
	} {
		checkCluster(t, st, w)
	}
	checkSizes(t, st)
}

func member(x *dedup.Article, via int64, rel dedup.Relation, score float64) dedup.Member {
	return dedup.Member{ArticleID: x.ID, PublishedAt: x.PublishedAt, IngestedAt: x.IngestedAt, Via: via, Relation: rel, Score: score}
}

func checkCluster(tb testing.TB, st dedup.Store, want *dedup.Cluster) {
	tb.Helper()
	got, err := st.GetCluster(tb.Context(), want.ID)
	mustNil(tb, err)
	if d := diff(want, got, cmpopts.IgnoreFields(dedup.Cluster{}, "UpdatedAt")); d != "" {
		tb.Errorf("cluster %d (-want +got):\n%s", want.ID, d)
	}
}

// mergeInto moves b, alone in its cluster, into a's cluster.
func mergeInto(t *testing.T, st dedup.Store, a, b *dedup.Article) {
	before := time.Now().Add(-time.Minute)
	inLock(t, st, []int64{a.ID, b.ID, 404}, func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error {
		if d := diff(map[int64]int64{a.ID: a.ClusterID, b.ID: b.ClusterID}, clusterOf); d != "" {
			t.Errorf("clusterOf (-want +got):\n%s", d)
		}
		if canon, err := tx.GetCanonical(ctx, a.ClusterID); err != nil || canon != a.ID {
			t.Errorf("GetCanonical = %d, %v; want %d", canon, err, a.ID)
		}
		if err := tx.SetMembers(ctx, a.ClusterID, []dedup.Member{member(b, a.ID, dedup.RelationCopy, 0.9)}); err != nil {
			return err
		}
		wantErr(t, tx.DeleteCluster(ctx, a.ClusterID), dedup.ErrConflict) // still has members
		if err := tx.DeleteCluster(ctx, b.ClusterID); err != nil {
			return err
		}
		members, err := tx.ListMembers(ctx, a.ClusterID)
		if d := diff([]dedup.Member{member(a, 0, "", 0), member(b, a.ID, dedup.RelationCopy, 0.9)}, members); d != "" {
			t.Errorf("ListMembers (-want +got):\n%s", d)
		}
		return errors.Join(err, tx.UpdateCluster(ctx, a.ClusterID, a.ID, 2))
	})
	checkCluster(t, st, &dedup.Cluster{ID: a.ClusterID, CanonicalID: a.ID,
		Members: []dedup.Member{member(a, 0, "", 0), member(b, a.ID, dedup.RelationCopy, 0.9)}})
	if got, err := st.GetCluster(t.Context(), a.ClusterID); err != nil || got.UpdatedAt.Before(before) {
		t.Errorf("GetCluster = %+v, %v; want UpdatedAt after %v", got, err, before)
	}
	_, err := st.GetCluster(t.Context(), b.ClusterID)
	wantErr(t, err, dedup.ErrNotFound)
}

// splitOff moves b, now in a's cluster, and c into a new cluster with c as
// its canonical, and returns the new cluster's id.
func splitOff(t *testing.T, st dedup.Store, a, b, c *dedup.Article) int64 {
	var newID int64
	inLock(t, st, []int64{b.ID, c.ID}, func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error {
		if clusterOf[b.ID] != a.ClusterID {
			t.Errorf("clusterOf[b] = %d, want %d", clusterOf[b.ID], a.ClusterID)
		}
		var err error
		if newID, err = tx.InsertCluster(ctx, c.ID); err != nil {
			return err
		}
		if canon, err := tx.GetCanonical(ctx, newID); err != nil || canon != c.ID {
			t.Errorf("GetCanonical(new) = %d, %v; want %d", canon, err, c.ID)
		}
		ms := []dedup.Member{member(c, 0, "", 0), member(b, c.ID, dedup.RelationRewrite, 0.7)}
		return errors.Join(tx.SetMembers(ctx, newID, ms), tx.DeleteCluster(ctx, c.ClusterID),
			tx.UpdateCluster(ctx, newID, c.ID, 2), tx.UpdateCluster(ctx, a.ClusterID, a.ID, 1))
	})
	return newID
}

// checkSizes checks that every cluster's size column counts its members and
// that no cluster is empty.
func checkSizes(tb testing.TB, st storeUnderTest) {
	tb.Helper()
	sizes, err := st.clusterSizes(tb.Context())
	mustNil(tb, err)
	for id, size := range sizes {
		c, err := st.GetCluster(tb.Context(), id)
		mustNil(tb, err)
		if size != len(c.Members) || size == 0 {
			tb.Errorf("cluster %d: size %d, %d members", id, size, len(c.Members))
		}
	}
}

func testArticleTx(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	res := insert(t, st, newArticle("wire", "a", 1, 2, 3), newArticle("wire", "b", 3))
	a, b := res[0].Article, res[1].Article

	inLock(t, st, []int64{a.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.MarkMatched(ctx, []int64{a.ID, a.ID})
	})
	if got, err := st.GetArticle(ctx, a.ID); err != nil || !got.Matched {
		t.Fatalf("after MarkMatched: %+v, %v; want Matched", got, err)
	}

	revised := newArticle("wire", "a", 3, 4)
	revised.Article.ID, revised.Article.Body, revised.Article.Version = a.ID, "revised body", 4
	revised.Article.PublishedAt = time.Time{}
	revised.Fingerprint.SimHash = 1<<63 + 99
	inLock(t, st, []int64{a.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		if err := tx.UpsertLinks(ctx, []dedup.Link{{A: a.ID, B: b.ID, Relation: dedup.RelationPartial, Score: 0.3}}); err != nil {
			return err
		}
		return tx.ReplaceArticle(ctx, revised.Article, revised.Fingerprint)
	})
	want := *revised.Article
	want.IngestedAt, want.ClusterID = a.IngestedAt, a.ClusterID
	got, err := st.GetArticle(ctx, a.ID)
	mustNil(t, err)
	if d := diff(&want, got); d != "" {
		t.Errorf("replaced article (-want +got):\n%s", d)
	}
	fps, err := st.ListFingerprints(ctx, []int64{a.ID})
	mustNil(t, err)
	if len(fps) != 1 || fps[0].Fingerprint.SimHash != revised.Fingerprint.SimHash {
		t.Errorf("replaced fingerprint: %+v", fps)
	}
	checkCandidates(t, st, []uint64{1, 2}, nil)
	checkCandidates(t, st, []uint64{3, 4}, []dedup.Candidate{{ArticleID: a.ID, Shared: 2}, {ArticleID: b.ID, Shared: 1}})

	inLock(t, st, []int64{a.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return errors.Join(tx.DeleteArticle(ctx, a.ID), tx.DeleteCluster(ctx, a.ClusterID))
	})
	_, err = st.GetArticle(ctx, a.ID)
	wantErr(t, err, dedup.ErrNotFound)
	checkCandidates(t, st, []uint64{3, 4}, []dedup.Candidate{{ArticleID: b.ID, Shared: 1}})
	if links, err := st.ListLinks(ctx, b.ID); err != nil || len(links) != 0 {
		t.Errorf("links after DeleteArticle: %v, %v", links, err)
	}
}

func checkCandidates(tb testing.TB, st dedup.Store, keys []uint64, want []dedup.Candidate) {
	tb.Helper()
	got, err := st.ListCandidates(tb.Context(), []dedup.CandidateQuery{{Keys: keys}})
	mustNil(tb, err)
	if d := diff([][]dedup.Candidate{want}, got); d != "" {
		tb.Errorf("candidates for %v (-want +got):\n%s", keys, d)
	}
}

func testLockClustersRollback(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	a := insert(t, st, newArticle("wire", "a", 1))[0].Article
	errStop := errors.New("stop")
	err := st.LockClusters(ctx, []int64{a.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		if _, err := tx.InsertCluster(ctx, a.ID); err != nil {
			return err
		}
		if err := tx.MarkMatched(ctx, []int64{a.ID}); err != nil {
			return err
		}
		return errors.Join(tx.DeleteArticle(ctx, a.ID), errStop)
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("LockClusters = %v, want the error of fn", err)
	}
	got, err := st.GetArticle(ctx, a.ID)
	mustNil(t, err)
	if d := diff(a, got); d != "" {
		t.Errorf("article changed by a failed LockClusters (-want +got):\n%s", d)
	}
	sizes, err := st.clusterSizes(ctx)
	mustNil(t, err)
	if len(sizes) != 1 {
		t.Errorf("clusters after rollback: %v, want only %d", sizes, a.ClusterID)
	}
	checkCandidates(t, st, []uint64{1}, []dedup.Candidate{{ArticleID: a.ID, Shared: 1}})
}

// testLockClustersSeesMove starts LockClusters on an article while another
// transaction holds its cluster and moves the article to another cluster.
// The waiting call must see the article where it ended up (Postgres gets
// there by starting over once the lock it waited for is on the wrong row).
func testLockClustersSeesMove(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	res := insert(t, st, newArticle("wire", "a"), newArticle("wire", "b"))
	a, b := res[0].Article, res[1].Article

	holding := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.LockClusters(ctx, []int64{a.ID, b.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
			close(holding)
			time.Sleep(300 * time.Millisecond) // let the other call queue up for the lock
			return applyMerge(ctx, tx, b.ID, a.ID, b.ClusterID, a.ClusterID, b.ID, []dedup.Member{
				{ArticleID: a.ID, Via: b.ID, Relation: dedup.RelationCopy, Score: 0.9}, {ArticleID: b.ID}})
		})
	}()
	<-holding
	var seen map[int64]int64
	inLock(t, st, []int64{a.ID}, func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error {
		seen = clusterOf
		return nil
	})
	mustNil(t, <-done)
	if seen[a.ID] != b.ClusterID {
		t.Errorf("clusterOf[a] = %d, want %d, where the concurrent merge moved it", seen[a.ID], b.ClusterID)
	}
}
