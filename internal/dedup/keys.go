package dedup

import (
	"math/bits"
	"slices"

	"github.com/mfonda/simhash"
)

// Candidate-key scheme. Each key is a plain uint64 so a B-tree (or GIN)
// index can serve "which articles share this key"; the kind is mixed in so
// keys of different kinds never collide by construction.
const (
	minHashes  = 32 // MinHash signature length
	lshRows    = 2  // rows per LSH band: 16 bands catch pairs with Jaccard ≳ 0.25
	winnowSpan = 24 // winnowing window: every shared run of ≥ winnowSpan+anchorWords-1 words shares an anchor

	keyLSH      = 1
	keySimHash  = 2
	keyAnchor   = 3
	keySkeleton = 4
	keyNames    = 5
	keyEntities = 6

	// skeletonKeyWords is the length of the stopword runs that, winnowed,
	// are the anchors of reworded text. Verification matches runs of
	// skeletonWords (6), but so short a run is shared by chance by
	// unrelated texts often enough to make them candidates.
	skeletonKeyWords = 10
)

// minHashSeeds drive the multiply-shift hash family of the MinHash
// signature; fixed so that signatures are stable across processes.
var minHashSeeds = func() [minHashes][2]uint64 {
	var s [minHashes][2]uint64
	x := uint64(0x6e657773646564)
	for i := range s {
		x = mix64(x + 0x9e3779b97f4a7c15)
		s[i][0] = x | 1
		x = mix64(x + 0x9e3779b97f4a7c15)
		s[i][1] = x
	}
	return s
}()

// minHash returns the MinHash signature of a set of feature hashes.
func minHash(features []uint64) [minHashes]uint32 {
	// One hash function at a time over all features: the running minimum
	// stays in a register and the comparison needs no branch.
	var sig [minHashes]uint32
	for i, s := range minHashSeeds {
		m := ^uint32(0)
		for _, f := range features {
			m = min(m, uint32((f*s[0]+s[1])>>32))
		}
		sig[i] = m
	}
	return sig
}

// lshKeys returns one key per band of the signature.
func lshKeys(sig [minHashes]uint32) []uint64 {
	return bandKeys(sig[:], lshRows, keyLSH)
}

// bandKeys returns one key of the given kind per band of rows values of a
// MinHash signature.
func bandKeys(sig []uint32, rows int, kind uint64) []uint64 {
	keys := make([]uint64, 0, len(sig)/rows)
	for b := 0; b+rows <= len(sig); b += rows {
		h := kind<<56 | uint64(b)
		for _, v := range sig[b : b+rows] {
			h = mix64(h ^ uint64(v))
		}
		keys = append(keys, h)
	}
	return keys
}

// simHashBlocks are the three bit ranges of the permuted-block scheme of
// Manku, Jain and Das Sarma (2007) for a 2-bit radius: two fingerprints
// within 2 bits differ in at most 2 of 3 blocks, so they agree exactly on
// one, and each block is a key. A block of 21 bits is shared by chance by
// one stored article in two million; a larger radius needs more and
// shorter blocks, or pairs of them, for keys that (measured in
// docs/BENCHMARKS.md) find no link the other kinds of key miss.
var simHashBlocks = [3][2]uint{{0, 21}, {21, 42}, {42, 64}}

func simHashKeys(fp uint64) []uint64 {
	keys := make([]uint64, 0, len(simHashBlocks))
	for i, b := range simHashBlocks {
		block := (fp >> b[0]) & (1<<(b[1]-b[0]) - 1)
		keys = append(keys, mix64(uint64(keySimHash)<<56|uint64(i)<<48^block))
	}
	return keys
}

// shingleFeature adapts a shingle hash to simhash.Feature.
type shingleFeature uint64

func (f shingleFeature) Sum() uint64 { return uint64(f) }
func (f shingleFeature) Weight() int { return 1 }

// simHashSample keeps one shingle in simHashSample as a SimHash feature,
// chosen by its hash so that two texts keep the same shingles of what they
// share. Fewer features make the fingerprint four times cheaper (Vectorize
// walks 64 bits per feature) while near-copies still agree on it.
const simHashSample = 4

// simHash is the 64-bit SimHash of a hash-sampled subset of the word
// shingles that hold at least one content word: shingles, not single words,
// are the features so that frequent words cannot decide the bits.
func simHash(toks []uint32, shingles []uint64) uint64 {
	feats := make([]simhash.Feature, 0, len(shingles)/simHashSample+1)
	for i, s := range shingles {
		if s%simHashSample == 0 && hasContentWord(toks[i:min(i+shingleWords, len(toks))]) {
			feats = append(feats, shingleFeature(s))
		}
	}
	if len(feats) == 0 {
		for _, s := range shingles {
			feats = append(feats, shingleFeature(s))
		}
	}
	return simhash.Fingerprint(simhash.Vectorize(feats))
}

func hasContentWord(toks []uint32) bool {
	for _, t := range toks {
		if t&stopBit == 0 {
			return true
		}
	}
	return false
}

// skeletonKeys are the anchors of a text's stopword skeleton: its runs of
// skeletonKeyWords stopwords (whatever content words stand between them),
// winnowed. A rewrite whose spinner replaced most content words shares
// few shingles with its source, so few LSH bands and passage anchors, but
// it keeps the skeleton: every run of winnowSpan+skeletonKeyWords-1
// stopwords that two texts share gives them an anchor. A run is named by
// the two grams (of skeletonWords) that begin and end it.
func skeletonKeys(grams []uint64) []uint64 {
	const step = skeletonKeyWords - skeletonWords
	if len(grams) <= step {
		return nil
	}
	runs := make([]uint64, len(grams)-step)
	for j := range runs {
		runs[j] = mix64(grams[j] ^ bits.RotateLeft64(grams[j+step], 1))
	}
	return winnow(runs, winnowSpan, keySkeleton)
}

// Name-set keys: LSH bands over the set of a text's names and figures.
const (
	// minNameSet is the fewest distinct names and figures a text needs
	// for name-set keys: a smaller set (a day, a country, a party) is
	// shared by chance.
	minNameSet = 8
	nameBands  = 4
	nameRows   = 6 // 4 bands of 6: sets with Jaccard 0.9 share a key with probability 0.95, 0.8 with 0.70, 0.55 with 0.11
)

// nameKeys are LSH bands over the distinct names and figures of a text. A
// spinner's thesaurus holds common words, function words too, but not
// names and figures: a rewrite spun so hard that it shares no shingle,
// passage or stopword run with its source still names the same people,
// places and amounts. Independent articles on one event share some of
// them, less: on wikiref220 no same-topic pair has name sets that are
// 60% alike.
func nameKeys(p *profile) []uint64 {
	set := make([]uint64, 0, len(p.names)+len(p.figures))
	for _, n := range p.names {
		set = append(set, uint64(p.toks[n.at]))
	}
	for _, f := range p.figures {
		set = append(set, spanHash(p, f))
	}
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) < minNameSet {
		return nil
	}
	for i, h := range set {
		set[i] = mix64(h)
	}
	sig := minHash(set)
	return bandKeys(sig[:nameBands*nameRows], nameRows, keyNames)
}

// Entity-sequence keys: runs of a text's names and figures in the order
// the text gives them.
const (
	// entityRun is how many consecutive entities make one key.
	entityRun = 3
	// entityWinnow is the winnowing window over the runs: every
	// entityWinnow consecutive runs two texts share give them a key.
	entityWinnow = 8
)

// entityKeys are the winnowed runs of entityRun consecutive entities (a
// name, or a figure; adjacent ones, as in "Gordon Brown" or "April 9",
// are one) in the order the text gives them. A rewrite spun so hard that
// it shares no shingle or stopword run with its source, and trimmed so
// that it names too few of its source's entities for their name-set keys
// to agree, still names the ones it keeps in the same order: it gives the
// start of its source's sequence.
// Independent articles on one event name the same people, but seldom
// three of them in the same order (measured on wikiref220 in
// docs/BENCHMARKS.md).
func entityKeys(p *profile) []uint64 {
	return winnow(entityRuns(p), entityWinnow, keyEntities)
}

// entityRuns returns the hash of every run of entityRun consecutive
// entities, or none for a text with fewer than minNameSet distinct ones:
// like a small name set, so short a sequence is shared by chance.
func entityRuns(p *profile) []uint64 {
	seq := entitySequence(p)
	if distinct(seq) < minNameSet {
		return nil
	}
	runs := make([]uint64, len(seq)-entityRun+1)
	for i := range runs {
		h := uint64(entityRun)
		for _, e := range seq[i : i+entityRun] {
			h = mix64(h*pairMul + e)
		}
		runs[i] = h
	}
	return runs
}

// distinct counts the distinct values of hs.
func distinct(hs []uint64) int {
	s := slices.Clone(hs)
	slices.Sort(s)
	return len(slices.Compact(s))
}

// entitySequence returns the hashes of a text's entities in order: its
// names and figures, each run of adjacent ones joined into one.
func entitySequence(p *profile) []uint64 {
	var out []uint64
	end := int32(-1)
	add := func(at, n int32, h uint64) {
		if at == end && len(out) > 0 {
			out[len(out)-1] = mix64(out[len(out)-1]*pairMul + h)
		} else {
			out = append(out, h)
		}
		end = at + n
	}
	names, figures := p.names, p.figures
	for len(names) > 0 || len(figures) > 0 {
		if len(figures) == 0 || len(names) > 0 && names[0].at < figures[0].at {
			add(names[0].at, 1, uint64(p.toks[names[0].at]))
			names = names[1:]
			continue
		}
		add(figures[0].at, figures[0].n, spanHash(p, figures[0]))
		figures = figures[1:]
	}
	return out
}

// winnow selects anchors from a sequence of hashes (Schleimer, Wilkerson and
// Aiken 2003): the minimum of every window of w hashes (the rightmost on
// ties). Any run of w hashes that two texts share yields an anchor they
// share. A monotone queue of candidate minima keeps it linear.
func winnow(hashes []uint64, w int, kind uint64) []uint64 {
	if len(hashes) == 0 {
		return nil
	}
	w = min(w, len(hashes))
	var out []uint64
	queue := make([]int, 0, w) // indexes with increasing hashes
	last := -1
	for i, h := range hashes {
		for len(queue) > 0 && hashes[queue[len(queue)-1]] >= h {
			queue = queue[:len(queue)-1]
		}
		queue = append(queue, i)
		if queue[0] <= i-w {
			queue = queue[1:]
		}
		if i >= w-1 && queue[0] != last {
			last = queue[0]
			out = append(out, mix64(kind<<56^hashes[last]))
		}
	}
	return out
}
