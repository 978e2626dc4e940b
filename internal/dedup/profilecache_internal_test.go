package dedup

import (
	"reflect"
	"sync"
	"testing"
)

// cacheTestProfile returns the profile of a short text of our own, with
// runs of furniture when furnished, and its encoded features.
func cacheTestProfile(t *testing.T, furnished bool) (*profile, []byte) {
	t.Helper()
	const text = "Story 1: the council of the town voted on 2 March to close the old bridge " +
		"for repairs, and the mayor said it would open again in the spring of the next year."
	norm := Normalize(text, FormatText)
	p := profileOfTokens(norm.Clean, tokenize(norm))
	if furnished {
		p.setRecurring([]tokenRun{{at: 0, n: 2}, {at: 5, n: 3}})
	}
	return p, encodeFeatures(p)
}

// decodedFields is what verification reads of a profile.
func decodedFields(p *profile) []any {
	return []any{p.toks, p.shingles, p.grams, p.first, p.last, p.figures, p.names,
		p.recurring, p.furniture, p.inside, p.touching.shingles, p.touching.grams}
}

func TestProfileCacheReturnsWhatDecodingWould(t *testing.T) {
	c := newProfileCache(1 << 20)
	_, features := cacheTestProfile(t, true)
	decoded, err := decodeFeatures(features)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.get(7, features); got != nil {
		t.Fatal("empty cache returned a profile")
	}
	c.put(7, features, decoded)
	got := c.get(7, features)
	if got == nil {
		t.Fatal("no profile for the features just put")
	}
	if got == decoded {
		t.Fatal("the cache returned the caller's own profile, not a clone")
	}
	again, _ := decodeFeatures(features)
	if !reflect.DeepEqual(decodedFields(got), decodedFields(again)) {
		t.Errorf("cached profile differs from a fresh decode")
	}
	if s := (ProfileCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()}); s != (ProfileCacheStats{Hits: 1, Misses: 1}) {
		t.Errorf("stats = %+v, want 1 hit and 1 miss", s)
	}
}

// Features that changed since the entry was decoded (furniture found later,
// a revision) are a miss, and the new decode replaces the entry.
func TestProfileCacheMissesChangedFeatures(t *testing.T) {
	c := newProfileCache(1 << 20)
	bare, before := cacheTestProfile(t, false)
	c.put(7, before, bare)
	furnished, after := cacheTestProfile(t, true)
	if got := c.get(7, after); got != nil {
		t.Fatal("profile of the old features returned for new ones")
	}
	if got := c.get(8, before); got != nil {
		t.Fatal("profile returned for another article's id")
	}
	c.put(7, after, furnished)
	got := c.get(7, after)
	if got == nil || !reflect.DeepEqual(got.recurring, furnished.recurring) {
		t.Fatalf("after the new put: got %v, want recurring %v", got, furnished.recurring)
	}
	if got := c.get(7, before); got != nil {
		t.Fatal("the replaced entry still answers the old features")
	}
}

// A caller's changes to its profile, before or after put, and to a profile
// the cache returned, do not reach the cached entry.
func TestProfileCacheIsolatesCallers(t *testing.T) {
	c := newProfileCache(1 << 20)
	p, features := cacheTestProfile(t, true)
	want := decodedFields(p.clone())
	c.put(7, features, p)
	p.setRecurring(nil)
	got := c.get(7, features)
	got.setRecurring([]tokenRun{{at: 1, n: 9}})
	if again := c.get(7, features); !reflect.DeepEqual(decodedFields(again), want) {
		t.Error("a caller's setRecurring changed the cached profile")
	}
}

func TestProfileCacheStaysWithinBudget(t *testing.T) {
	p, features := cacheTestProfile(t, true)
	entry := int64(len(features)) + p.size()
	budget := 40 * entry
	c := newProfileCache(budget)
	for id := range int64(1000) {
		// Article 0 is used all along and must survive.
		if c.get(0, features) == nil {
			c.put(0, features, p)
		}
		c.put(id+1, features, p)
		var held int64
		for _, gen := range []map[int64]cachedProfile{c.cur, c.old} {
			for _, e := range gen {
				held += e.size
			}
		}
		if held > budget {
			t.Fatalf("after %d puts the cache holds %d bytes, budget %d", id+1, held, budget)
		}
	}
	if c.get(0, features) == nil {
		t.Error("the entry used all along was evicted")
	}
	if c.get(1, features) != nil {
		t.Error("the first entry, never used again, is still held")
	}
	if c.get(1000, features) == nil {
		t.Error("the newest entry is not held")
	}
}

func TestProfileCacheOff(t *testing.T) {
	for _, budget := range []int64{0, -1} {
		c := newProfileCache(budget)
		p, features := cacheTestProfile(t, false)
		c.put(7, features, p)
		if c.get(7, features) != nil {
			t.Errorf("budget %d: a cache that is off returned a profile", budget)
		}
	}
	if s := NewService(nil, Options{ProfileCacheBytes: -1}).ProfileCacheStats(); s != (ProfileCacheStats{}) {
		t.Errorf("stats of a service without a cache = %+v", s)
	}
}

// For the race detector: lookups and puts from many goroutines.
func TestProfileCacheConcurrent(t *testing.T) {
	p, features := cacheTestProfile(t, true)
	c := newProfileCache(20 * (int64(len(features)) + p.size()))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				id := int64((g*31 + i) % 50)
				if got := c.get(id, features); got != nil {
					got.setRecurring(nil)
					continue
				}
				c.put(id, features, p)
			}
		})
	}
	wg.Wait()
	s := ProfileCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()}
	if s.Hits+s.Misses != 8*500 || s.Hits == 0 {
		t.Errorf("stats = %+v, want 4000 lookups with some hits", s)
	}
}
