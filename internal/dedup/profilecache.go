package dedup

import (
	"bytes"
	"sync"
	"sync/atomic"
	"unsafe"
)

// profileCache keeps the decoded profiles of stored articles between
// queries. A stored article is a candidate of many later ones (each of
// them loads up to MaxCandidates), and decoding rebuilds every shingle and
// gram hash of its text. The cache saves that when the same articles come
// up again while it still holds them: often in a small store, seldom when
// candidates spread over millions (docs/BENCHMARKS.md).
//
// An entry is used only for the very features it was decoded from, compared
// byte for byte with the stored ones on every lookup, so an article whose
// features changed (furniture found later, a revision) is decoded afresh and
// what the cache returns is always what decoding would. It returns clones:
// callers may set a profile's recurring furniture, which replaces fields
// and never writes into the shared slices.
//
// The memory is bounded by two generations of at most half the budget
// each: when the newer is full, the older is dropped and the newer takes
// its place. An entry used from the older generation moves to the newer,
// so what is used often stays (an approximation of least recently used).
type profileCache struct {
	half int64 // bytes per generation

	mu       sync.Mutex
	cur, old map[int64]cachedProfile
	curBytes int64

	hits, misses atomic.Int64
}

// ProfileCacheStats counts the lookups of stored profiles that were served
// from the cache (hits) and those that were decoded (misses).
type ProfileCacheStats struct{ Hits, Misses int64 }

// ProfileCacheStats returns the profile cache's counts so far (zero when
// the cache is off).
func (s *Service) ProfileCacheStats() ProfileCacheStats {
	if s.profiles == nil {
		return ProfileCacheStats{}
	}
	return ProfileCacheStats{Hits: s.profiles.hits.Load(), Misses: s.profiles.misses.Load()}
}

type cachedProfile struct {
	features []byte
	prof     *profile
	size     int64
}

// newProfileCache returns a cache of about budget bytes, or nil (no cache)
// for a budget of 0 or less.
func newProfileCache(budget int64) *profileCache {
	if budget <= 0 {
		return nil
	}
	return &profileCache{half: budget / 2, cur: map[int64]cachedProfile{}}
}

// get returns a clone of the profile decoded from exactly these features
// of article id, or nil.
func (c *profileCache) get(id int64, features []byte) *profile {
	if c == nil {
		return nil
	}
	if p := c.lookup(id, features); p != nil {
		c.hits.Add(1)
		return p
	}
	c.misses.Add(1)
	return nil
}

func (c *profileCache) lookup(id int64, features []byte) *profile {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cur[id]
	if !ok {
		if e, ok = c.old[id]; !ok {
			return nil
		}
		delete(c.old, id)
		c.addLocked(id, e)
	}
	if !bytes.Equal(e.features, features) {
		return nil
	}
	return e.prof.clone()
}

// put records p as the profile of article id decoded from features. It
// keeps clones of both, so the caller may go on using p and features.
func (c *profileCache) put(id int64, features []byte, p *profile) {
	if c == nil {
		return
	}
	e := cachedProfile{features: bytes.Clone(features), prof: p.clone()}
	e.size = int64(len(e.features)) + e.prof.size()
	if e.size > c.half {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.old, id)
	if prev, ok := c.cur[id]; ok {
		c.curBytes -= prev.size
	}
	c.addLocked(id, e)
}

func (c *profileCache) addLocked(id int64, e cachedProfile) {
	if c.curBytes+e.size > c.half {
		c.old, c.cur, c.curBytes = c.cur, make(map[int64]cachedProfile, len(c.cur)), 0
	}
	c.cur[id] = e
	c.curBytes += e.size
}

// clone returns a profile that shares p's slices (which are never written
// after they are built) but not its index or its identity, so that setting
// the clone's furniture leaves p as it is.
func (p *profile) clone() *profile {
	return &profile{
		toks: p.toks, shingles: p.shingles, grams: p.grams, first: p.first, last: p.last,
		figures: p.figures, names: p.names,
		recurring: p.recurring, furniture: p.furniture, touching: p.touching, inside: p.inside,
	}
}

// size is about how many bytes p's slices hold, with the map entry and the
// struct: what a cached profile costs.
func (p *profile) size() int64 {
	const word = int64(unsafe.Sizeof(uint64(0)))
	n := int64(unsafe.Sizeof(*p)) + 8*word
	n += 4 * int64(len(p.toks))
	n += 8 * int64(len(p.shingles)+len(p.grams))
	n += 4 * int64(len(p.first)+len(p.last)) // they share one array; counted twice, an upper bound
	n += 8 * int64(len(p.figures)+len(p.names)+len(p.recurring))
	n += int64(len(p.furniture) + len(p.inside) + len(p.touching.shingles) + len(p.touching.grams))
	return n
}

// cacheFill gathers profiles, newest article first, into the two
// generations of a cache as it would keep them: the newest in the newer
// generation until it is full, the next in the older one until that is
// full too. Put one by one, oldest first, entries of uneven sizes can
// rotate the generations twice and drop the oldest half.
type cacheFill struct {
	half               int64
	cur, old           map[int64]cachedProfile
	curBytes, oldBytes int64
	inOld              bool
}

func (c *profileCache) newFill() *cacheFill {
	return &cacheFill{half: c.half, cur: map[int64]cachedProfile{}, old: map[int64]cachedProfile{}}
}

// add takes the profile of article id, decoded from features, which
// neither the caller nor anyone else changes afterwards; it reports false,
// taking nothing, once the cache is full.
func (f *cacheFill) add(id int64, features []byte, p *profile) bool {
	e := cachedProfile{features: features, prof: p, size: int64(len(features)) + p.size()}
	if !f.inOld && f.curBytes+e.size <= f.half {
		f.cur[id], f.curBytes = e, f.curBytes+e.size
		return true
	}
	f.inOld = true
	if f.oldBytes+e.size > f.half {
		return false
	}
	f.old[id], f.oldBytes = e, f.oldBytes+e.size
	return true
}

func (f *cacheFill) len() int { return len(f.cur) + len(f.old) }

// install replaces what the cache holds with f's profiles.
func (c *profileCache) install(f *cacheFill) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.old, c.curBytes = f.cur, f.old, f.curBytes
}
