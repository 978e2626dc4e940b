package dedup

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// recentStore is a Store that answers ListRecentFingerprints from a slice,
// at most page at a time (fewer than asked, as a store may); the Service
// calls nothing else of it here.
type recentStore struct {
	Store
	fps  []StoredFingerprint // ascending ids
	page int
}

func (r *recentStore) ListRecentFingerprints(_ context.Context, beforeID int64, limit int) ([]StoredFingerprint, error) {
	var out []StoredFingerprint
	for i := len(r.fps) - 1; i >= 0 && len(out) < min(limit, r.page); i-- {
		if beforeID == 0 || r.fps[i].ArticleID < beforeID {
			out = append(out, r.fps[i])
		}
	}
	return out, nil
}

// warmTestStore holds n short articles of our own, ids 1 to n, and the
// bytes each costs in the cache.
func warmTestStore(t *testing.T, n int) (*recentStore, map[int64]int64) {
	t.Helper()
	st := &recentStore{page: 5}
	sizes := map[int64]int64{}
	for i := 1; i <= n; i++ {
		text := fmt.Sprintf("Report %d: the council of town number %d voted to close bridge %d for repairs, "+
			"and the mayor said on day %d that it would open again when the work of %d crews was done.", i, i*7, i*3, i, i%5+2)
		_, fp := Analyze(text, FormatText)
		st.fps = append(st.fps, StoredFingerprint{ArticleID: int64(i), Fingerprint: *fp})
		p, err := decodeFeatures(fp.Features)
		if err != nil {
			t.Fatal(err)
		}
		sizes[int64(i)] = int64(len(fp.Features)) + p.size()
	}
	return st, sizes
}

func cachedIDs(c *profileCache) []int64 {
	var ids []int64
	for id := range c.cur {
		ids = append(ids, id)
	}
	for id := range c.old {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func TestWarmProfilesKeepsTheNewestThatFit(t *testing.T) {
	st, sizes := warmTestStore(t, 12)
	// Room for about three articles in each generation.
	half := sizes[12] + sizes[11] + sizes[10]
	svc := NewService(st, Options{ProfileCacheBytes: 2 * half})
	n, err := svc.WarmProfiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := cachedIDs(svc.profiles)
	if n != len(ids) || n < 5 || n >= 12 {
		t.Fatalf("WarmProfiles = %d with %d cached (%v); want 5 to 11 of 12", n, len(ids), ids)
	}
	for i, id := range ids {
		if want := int64(12 - n + 1 + i); id != want {
			t.Fatalf("cached %v, want the %d newest (%d to 12)", ids, n, 12-n+1)
		}
	}
	var used int64
	for _, id := range ids {
		used += sizes[id]
	}
	if svc.profiles.curBytes > half || used > 2*half {
		t.Errorf("cached %d bytes, the newer generation %d; budget %d, %d per generation", used, svc.profiles.curBytes, 2*half, half)
	}
	// An entry is what decoding its features gives, and a lookup of it is
	// a hit.
	newest := st.fps[11].Fingerprint.Features
	got := svc.profiles.get(12, newest)
	want, _ := decodeFeatures(newest)
	if got == nil || !reflect.DeepEqual(decodedFields(got), decodedFields(want)) {
		t.Errorf("cached profile of the newest article differs from a fresh decode")
	}
	if s := svc.ProfileCacheStats(); s.Hits != 1 || s.Misses != 0 {
		t.Errorf("stats %+v after one lookup of a warmed entry, want one hit", s)
	}
}

func TestWarmProfilesTakesAllThatFit(t *testing.T) {
	st, _ := warmTestStore(t, 12)
	svc := NewService(st, Options{ProfileCacheBytes: 1 << 20})
	if n, err := svc.WarmProfiles(context.Background()); err != nil || n != 12 {
		t.Errorf("WarmProfiles = %d, %v; want all 12", n, err)
	}
}

func TestWarmProfilesWithoutCacheOrLister(t *testing.T) {
	st, _ := warmTestStore(t, 3)
	if n, err := NewService(st, Options{ProfileCacheBytes: -1}).WarmProfiles(context.Background()); n != 0 || err != nil {
		t.Errorf("without a cache: WarmProfiles = %d, %v; want 0, nil", n, err)
	}
	plain := struct{ Store }{st} // a store that cannot list its newest articles
	if n, err := NewService(plain, Options{}).WarmProfiles(context.Background()); n != 0 || err != nil {
		t.Errorf("without a lister: WarmProfiles = %d, %v; want 0, nil", n, err)
	}
}
