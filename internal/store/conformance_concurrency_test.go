package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// testLockClustersConcurrent has many goroutines merge the clusters of random
// pairs of articles at once, each merge in LockClusters. Every merge must
// succeed without deadlock, and the final clusters must be exactly the
// connected components of the merged pairs, with consistent sizes and
// canonicals and no orphaned cluster rows.
func testLockClustersConcurrent(t *testing.T, newStore newStoreFunc) {
	st := newStore(t, WithSubscribers([]string{"hooks"}))
	const articles, workers, mergesPerWorker = 24, 8, 25
	ids := insertIDs(t, st, make([][]uint64, articles)...)
	// A deadlock shows up as this deadline rather than a hung test.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	var mu sync.Mutex
	var merged [][2]int64
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for range mergesPerWorker {
				a, b := ids[rng.IntN(articles)], ids[rng.IntN(articles)]
				if err := mergeClustersOf(ctx, st, a, b); err != nil {
					errs <- fmt.Errorf("merge %d and %d: %w", a, b, err)
					return
				}
				mu.Lock()
				merged = append(merged, [2]int64{a, b})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkComponents(t, st, ids, merged)
	checkSizes(t, st)
}

// mergeClustersOf moves every member of the higher-numbered of the two
// articles' clusters into the other one, as a match that joins two story
// families would.
func mergeClustersOf(ctx context.Context, st dedup.Store, a, b int64) error {
	return st.LockClusters(ctx, []int64{a, b}, func(ctx context.Context, tx dedup.ClusterTx, clusterOf map[int64]int64) error {
		keep, drop := min(clusterOf[a], clusterOf[b]), max(clusterOf[a], clusterOf[b])
		if keep == drop {
			return nil
		}
		canonical, err := tx.GetCanonical(ctx, keep)
		if err != nil {
			return err
		}
		kept, err := tx.ListMembers(ctx, keep)
		if err != nil {
			return err
		}
		moved, err := tx.ListMembers(ctx, drop)
		if err != nil {
			return err
		}
		for i := range moved {
			moved[i].Via, moved[i].Relation, moved[i].Score = canonical, dedup.RelationCopy, 0.9
		}
		return applyMerge(ctx, tx, a, b, keep, drop, canonical, append(kept, moved...))
	})
}

func applyMerge(ctx context.Context, tx dedup.ClusterTx, a, b, keep, drop, canonical int64, members []dedup.Member) error {
	if err := tx.SetMembers(ctx, keep, members); err != nil {
		return err
	}
	if err := tx.DeleteCluster(ctx, drop); err != nil {
		return err
	}
	if err := tx.UpdateCluster(ctx, keep, canonical, len(members)); err != nil {
		return err
	}
	if err := tx.UpsertLinks(ctx, []dedup.Link{{A: a, B: b, Relation: dedup.RelationCopy, Score: 0.9}}); err != nil {
		return err
	}
	var memberIDs []int64
	for _, m := range members {
		memberIDs = append(memberIDs, m.ArticleID)
	}
	return tx.InsertEvents(ctx, []dedup.Event{{Type: dedup.EventClusterChanged, ClusterID: keep,
		CanonicalID: canonical, Members: memberIDs, OccurredAt: time.Now()}})
}

// checkComponents checks that two articles share a cluster exactly when the
// merged pairs connect them, and that each canonical is a member.
func checkComponents(tb testing.TB, st dedup.Store, ids []int64, merged [][2]int64) {
	tb.Helper()
	root := make(map[int64]int64)
	var find func(int64) int64
	find = func(x int64) int64 {
		if r, ok := root[x]; ok && r != x {
			root[x] = find(r)
			return root[x]
		}
		return x
	}
	for _, p := range merged {
		root[find(p[0])] = find(p[1])
	}
	fps, err := st.ListFingerprints(tb.Context(), ids)
	mustNil(tb, err)
	componentOf := make(map[int64]int64) // cluster id -> component root
	for _, fp := range fps {
		r := find(fp.ArticleID)
		if c, ok := componentOf[fp.ClusterID]; ok && c != r {
			tb.Errorf("cluster %d holds articles of two components", fp.ClusterID)
		}
		componentOf[fp.ClusterID] = r
	}
	if components := countRoots(ids, find); len(componentOf) != components {
		tb.Errorf("%d clusters for %d connected components", len(componentOf), components)
	}
	for id := range componentOf {
		c, err := st.GetCluster(tb.Context(), id)
		mustNil(tb, err)
		if !hasMember(c, c.CanonicalID) {
			tb.Errorf("cluster %d: canonical %d is not a member", id, c.CanonicalID)
		}
	}
}

func countRoots(ids []int64, find func(int64) int64) int {
	roots := make(map[int64]bool)
	for _, id := range ids {
		roots[find(id)] = true
	}
	return len(roots)
}

func hasMember(c *dedup.Cluster, articleID int64) bool {
	for _, m := range c.Members {
		if m.ArticleID == articleID {
			return true
		}
	}
	return false
}

// testOutboxConcurrentClaims has several workers claim deliveries at once
// until none are left: each delivery must be claimed exactly once.
func testOutboxConcurrentClaims(t *testing.T, newStore newStoreFunc) {
	st := newStore(t, WithSubscribers([]string{"a", "b"}))
	const events, workers = 100, 6
	var evs []dedup.Event
	for i := range events {
		evs = append(evs, dedup.Event{Type: dedup.EventArticleClustered, ArticleID: int64(i + 1), ClusterID: 1})
	}
	inLock(t, st, nil, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.InsertEvents(ctx, evs)
	})
	now := time.Now()
	var mu sync.Mutex
	claimed := make(map[int64]int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				ds, err := st.ClaimDeliveries(t.Context(), now, 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					claimed[d.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != 2*events {
		t.Errorf("%d deliveries claimed, want %d", len(claimed), 2*events)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}
