package dedup

import (
	"cmp"
	"slices"
)

// Reworded stretches between aligned matches.
//
// A rewrite keeps its source's order: the shingles and grams two versions
// share come in the same order in both. Between two consecutive shared
// ones the texts correspond, and a stretch there that matches nothing was
// reworded more heavily than a shingle or a gram survives (a spinner that
// also replaces function words, a translation round trip), not replaced:
// its content words and its figures still recur in the other text's
// stretch. Chance matches between independent texts fall in no common
// order, and the stretches between them share few content words; two
// stories written to one template differ in their figures.
const (
	// maxFill is the most unmatched words, on either side, that two
	// aligned matches may enclose to be filled.
	maxFill = 2 * minGap
	// minFillRun: a stretch is filled only if it holds an unmatched run of
	// this many words; shorter gaps are edits, which the explained share
	// already passes over.
	minFillRun = minGap / 2
	// minFillShared is the least share of each stretch's content words
	// that must recur in the other.
	minFillShared = 0.4
	// minAlignWords: both texts must have this many matched words before
	// their order is trusted; shorter matches (a sentence pair) are left
	// as they are.
	minAlignWords = 2 * minSharedWords
	// maxAnchorRepeats: a shingle or a gram found at more places than
	// this in the indexed text anchors nothing (it cannot say where).
	maxAnchorRepeats = 3
)

// anchor is a shingle or gram that two texts share: where it starts in
// each.
type anchor struct{ a, b int32 }

// fillAligned marks as matched, in both coverages, the unmatched words of
// the stretches between consecutive aligned matches of a and b that were
// reworded (see above), and reports whether it marked any. Stretches that
// hold recurring furniture are left alone.
func fillAligned(a, b *profile, inB, inA *coverage) bool {
	chain := alignedChain(a, b)
	filled := false
	for k := 1; k < len(chain); k++ {
		p, q := chain[k-1], chain[k]
		fromA, toA := int(p.a)+1, int(q.a)
		fromB, toB := int(p.b)+1, int(q.b)
		gapA, gapB := inB.any[fromA:toA], inA.any[fromB:toB]
		if countUnmatched(gapA) > maxFill || countUnmatched(gapB) > maxFill {
			continue
		}
		if longestUnmatched(gapA) < minFillRun && longestUnmatched(gapB) < minFillRun {
			continue
		}
		if hasFurniture(a, fromA, toA) || hasFurniture(b, fromB, toB) || !sharesContent(a.toks[fromA:toA], b.toks[fromB:toB]) || !sameFigures(a, fromA, toA, b, fromB, toB) {
			continue
		}
		mark(inB.any, fromA, toA)
		mark(inA.any, fromB, toB)
		filled = true
	}
	if filled {
		inB.nAny, inA.nAny = count(inB.any), count(inA.any)
	}
	return filled
}

func countUnmatched(b []bool) int { return len(b) - count(b) }

func longestUnmatched(b []bool) int {
	best, run := 0, 0
	for _, x := range b {
		if x {
			run = 0
			continue
		}
		run++
		best = max(best, run)
	}
	return best
}

func hasFurniture(p *profile, from, to int) bool {
	return p.furniture != nil && slices.Contains(p.furniture[from:to], true)
}

// sameFigures reports whether two stretches give the same figures (or
// none): a rewrite keeps amounts and dates (see otherFigures).
func sameFigures(a *profile, fromA, toA int, b *profile, fromB, toB int) bool {
	fa, fb := figuresWithin(a, fromA, toA), figuresWithin(b, fromB, toB)
	if len(fa) == 0 && len(fb) == 0 {
		return true
	}
	n := countShared(fa, fb)
	return n == len(fa) && n == len(fb)
}

// figuresWithin returns the distinct figures of p, sorted, that start in
// [from, to).
func figuresWithin(p *profile, from, to int) []uint64 {
	var out []uint64
	for _, f := range p.figures {
		if int(f.at) >= from && int(f.at) < to {
			out = append(out, spanHash(p, f))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// alignedChain returns the longest chain of anchors of a and b that
// advances in both texts.
func alignedChain(a, b *profile) []anchor {
	idx := a.index()
	var anchors []anchor
	collect := func(t *posTable, hs []uint64, touching []bool, at func(i int32) int32, bAt func(j int) int32) {
		for j, h := range hs {
			if touching != nil && touching[j] || !t.mayHold(h) {
				continue
			}
			s := t.slot(h)
			if t.head[s] == 0 {
				continue
			}
			n := 0
			for i := t.head[s] - 1; i >= 0 && n <= maxAnchorRepeats; i = t.next[i] {
				n++
			}
			if n > maxAnchorRepeats {
				continue
			}
			for i := t.head[s] - 1; i >= 0; i = t.next[i] {
				anchors = append(anchors, anchor{a: at(i), b: bAt(j)})
			}
		}
	}
	collect(&idx.shingles, b.shingles, b.touching.shingles, func(i int32) int32 { return i }, func(j int) int32 { return int32(j) })
	collect(&idx.grams, b.grams, b.touching.grams, func(i int32) int32 { return a.first[i] }, func(j int) int32 { return b.first[j] })
	if len(anchors) < 2 {
		return anchors
	}
	// Longest chain strictly increasing in both: sort by a, ties by b
	// descending (so that one position of a takes one place in the
	// chain), then the longest strictly increasing run of b (patience
	// sorting, keeping predecessors to rebuild it).
	slices.SortFunc(anchors, func(x, y anchor) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(y.b, x.b)
	})
	tails := make([]int, 0, len(anchors)) // index into anchors of the smallest tail of each length
	prev := make([]int, len(anchors))
	for k, x := range anchors {
		l, _ := slices.BinarySearchFunc(tails, x.b, func(t int, b int32) int { return cmp.Compare(anchors[t].b, b) })
		if l > 0 {
			prev[k] = tails[l-1]
		} else {
			prev[k] = -1
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	chain := make([]anchor, len(tails))
	for k, i := len(tails)-1, tails[len(tails)-1]; k >= 0; k, i = k-1, prev[i] {
		chain[k] = anchors[i]
	}
	return chain
}

// sharesContent reports whether two stretches share at least minFillShared
// of each one's content words. Stretches of fewer than 3 content words
// each (a swapped function word, a one-word edit) share enough.
func sharesContent(x, y []uint32) bool {
	cx, cy := contentWords(x), contentWords(y)
	if len(cx) < 3 && len(cy) < 3 {
		return true
	}
	slices.Sort(cx)
	slices.Sort(cy)
	return frac(countIn(cx, cy), len(cx)) >= minFillShared && frac(countIn(cy, cx), len(cy)) >= minFillShared
}

// countIn counts the words of x (with repeats) that sorted y holds.
func countIn(x, y []uint32) int {
	n := 0
	for _, w := range x {
		if _, ok := slices.BinarySearch(y, w); ok {
			n++
		}
	}
	return n
}

func contentWords(toks []uint32) []uint32 {
	out := make([]uint32, 0, len(toks))
	for _, t := range toks {
		if t&stopBit == 0 {
			out = append(out, t)
		}
	}
	return out
}
