package dedup

import (
	"slices"
	"sync"
)

// profile is a text's token hashes with the shingles and skeleton grams that
// verification compares.
type profile struct {
	toks        []uint32
	shingles    []uint64 // shingles[i] covers toks[i : i+shingleWords]
	grams       []uint64 // stopword grams
	first, last []int32  // token span of each gram
	sets        sync.Once
	shingleSet  []uint64 // sorted, for lookups; built on first use
	gramSet     []uint64 // sorted; built on first use
}

func newProfile(toks []uint32) *profile {
	p := &profile{toks: toks, shingles: shingleHashes(toks, shingleWords)}
	p.grams, p.first, p.last = skeletonGrams(toks, skeletonWords)
	return p
}

// lookups returns the sorted shingle and gram sets, building them once:
// fingerprinting needs only the sequences, verification the sets.
func (p *profile) lookups() (shingles, grams []uint64) {
	p.sets.Do(func() {
		p.shingleSet = sortedSet(p.shingles)
		p.gramSet = sortedSet(p.grams)
	})
	return p.shingleSet, p.gramSet
}

func sortedSet(h []uint64) []uint64 {
	s := slices.Clone(h)
	slices.Sort(s)
	return slices.Compact(s)
}

func contains(set []uint64, h uint64) bool {
	_, ok := slices.BinarySearch(set, h)
	return ok
}

// coverage marks which tokens of p are matched in q: exactly (inside a
// shingle q also has) or by rewording (inside a stopword gram q also has).
type coverage struct {
	exact, any []bool
	nExact     int
	nAny       int
}

func cover(p, q *profile) coverage {
	shingleSet, gramSet := q.lookups()
	n := len(p.toks)
	c := coverage{exact: make([]bool, n), any: make([]bool, n)}
	for i, h := range p.shingles {
		if contains(shingleSet, h) {
			for j := i; j < min(i+shingleWords, n); j++ {
				c.exact[j] = true
				c.any[j] = true
			}
		}
	}
	for i, h := range p.grams {
		if contains(gramSet, h) {
			for j := p.first[i]; j <= p.last[i]; j++ {
				c.any[j] = true
			}
		}
	}
	for i := range n {
		if c.exact[i] {
			c.nExact++
		}
		if c.any[i] {
			c.nAny++
		}
	}
	return c
}

// gaps measures the unmatched runs of at least minGap tokens: those before
// the first match (head), after the last (tail) and between (interior), as
// shares of the text.
type gaps struct {
	head, tail, interior float64
}

func measureGaps(covered []bool, minGap int) gaps {
	n := len(covered)
	if n == 0 {
		return gaps{}
	}
	first := slices.Index(covered, true)
	if first < 0 {
		return gaps{head: 1}
	}
	last := n - 1
	for !covered[last] {
		last--
	}
	g := gaps{head: float64(first) / float64(n), tail: float64(n-1-last) / float64(n)}
	run := 0
	for _, c := range covered[first : last+1] {
		if !c {
			run++
			continue
		}
		if run >= minGap {
			g.interior += float64(run)
		}
		run = 0
	}
	g.interior /= float64(n)
	return g
}

// measure compares two profiles in both directions.
type measure struct {
	covA, covB coverage
	nA, nB     int
}

func compare(a, b *profile) measure {
	return measure{covA: cover(a, b), covB: cover(b, a), nA: len(a.toks), nB: len(b.toks)}
}

func frac(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// similarity summarizes a measure; ContainmentA is the share of A matched in B.
func (m measure) similarity(simA, simB uint64) Similarity {
	shared := min(m.covA.nAny, m.covB.nAny)
	union := m.nA + m.nB - shared
	return Similarity{
		Jaccard:         frac(shared, union),
		ContainmentA:    frac(m.covA.nAny, m.nA),
		ContainmentB:    frac(m.covB.nAny, m.nB),
		SimHashDistance: hamming(simA, simB),
	}
}

// minGap is the shortest unmatched run that counts as new material: shorter
// gaps between matches are edits (a spun word, a translated phrase, a line
// of boilerplate) inside text that is otherwise the same.
const minGap = 20

// novel marks the words of a text that lie in unmatched runs of at least
// minGap words.
func novel(covered []bool) []bool {
	out := make([]bool, len(covered))
	start := -1
	for i := 0; i <= len(covered); i++ {
		if i < len(covered) && !covered[i] {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minGap {
			for j := start; j < i; j++ {
				out[j] = true
			}
		}
		start = -1
	}
	return out
}

func count(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}

// explained is the share of a text that the other one accounts for: all
// but its unmatched runs of minGap words or more.
func explained(c coverage) float64 {
	n := len(c.any)
	return 1 - frac(count(novel(c.any)), n)
}

// side describes one text of a pair as matched in the other.
type side struct {
	explained float64 // share accounted for by the other text
	covered   float64 // share matched
	verbatim  float64 // share of the matched words that match word for word
}

// sides returns the better-explained text of the pair first.
func (m measure) sides() (side, side) {
	a := side{explained(m.covA), frac(m.covA.nAny, m.nA), frac(m.covA.nExact, m.covA.nAny)}
	b := side{explained(m.covB), frac(m.covB.nAny, m.nB), frac(m.covB.nExact, m.covB.nAny)}
	if b.explained > a.explained {
		return b, a
	}
	return a, b
}

// Relation decision constants.
const (
	// verbatim is the share of matched words that must match word for word
	// for a copy, rather than a rewrite.
	verbatim = 0.95
	// minCovered is the least matched share of a same-story text, so that
	// sparse chance matches with short gaps cannot add up to a story.
	minCovered = 0.5
	// minSharedWords is the fewest matched words any link needs, so that a
	// shared phrase in two short texts is not called reuse.
	minSharedWords = 20
)

// classify decides the relation of a measured pair. Same story (copy or
// rewrite): one text is almost wholly accounted for by the other, which may
// carry more (the longer original of a trimmed copy; the service checks that
// the extra is not a second story, see isComposite). Partial reuse: a share
// of one text is accounted for. The score is the explained share of the
// better-explained text.
func classify(m measure, th Thresholds) (Relation, float64) {
	x, _ := m.sides()
	if min(m.covA.nAny, m.covB.nAny) < minSharedWords {
		return "", x.explained
	}
	switch {
	case x.explained >= th.Copy && x.covered >= minCovered && x.verbatim >= verbatim:
		return RelationCopy, x.explained
	case x.explained >= th.Rewrite && x.covered >= minCovered:
		return RelationRewrite, x.explained
	case x.explained >= th.Partial:
		return RelationPartial, x.explained
	}
	return "", x.explained
}
