package dedup

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// profile is a text's token hashes with the shingles and skeleton grams that
// verification compares.
type profile struct {
	toks        []uint32
	shingles    []uint64   // shingles[i] covers toks[i : i+shingleWords]
	grams       []uint64   // stopword grams
	first, last []int32    // token span of each gram
	figures     []wordSpan // in order
	names       []wordSpan // in order, one token each
	once        sync.Once
	idx         *posIndex // built on first use
	// recurring are the runs of recurring furniture found in the text
	// (see recurringRuns), and furniture marks their words. Comparisons
	// leave these words out, and the other text's words that match them.
	recurring []tokenRun
	furniture []bool
	// touching marks the shingles and the grams that touch furniture (they
	// match nothing), inside the shingles wholly in it.
	touching struct{ shingles, grams []bool }
	inside   []bool
}

// tokenRun is a run of n tokens from token at.
type tokenRun struct{ at, n int32 }

// setRecurring records the runs (sorted, not overlapping) of recurring
// furniture in the text, replacing any recorded before.
func (p *profile) setRecurring(runs []tokenRun) {
	p.recurring, p.furniture = runs, nil
	p.touching.shingles, p.touching.grams, p.inside = nil, nil, nil
	if len(runs) == 0 {
		return
	}
	n := len(p.toks)
	p.furniture = make([]bool, n)
	for _, r := range runs {
		mark(p.furniture, int(r.at), int(r.at+r.n))
	}
	// upTo[i] counts the furniture words before word i.
	upTo := make([]int32, n+1)
	for i, f := range p.furniture {
		upTo[i+1] = upTo[i]
		if f {
			upTo[i+1]++
		}
	}
	p.touching.shingles, p.inside = make([]bool, len(p.shingles)), make([]bool, len(p.shingles))
	for i := range p.shingles {
		end := min(i+shingleWords, n)
		in := upTo[end] - upTo[i]
		p.touching.shingles[i] = in > 0
		p.inside[i] = int(in) == end-i
	}
	p.touching.grams = make([]bool, len(p.grams))
	for j := range p.grams {
		p.touching.grams[j] = upTo[p.last[j]+1]-upTo[p.first[j]] > 0
	}
}

// wordSpan is n tokens from token at: a figure (an amount, a date or a score,
// n tokens with digits) or a name (one token).
type wordSpan struct{ at, n int32 }

// newProfile builds the profile of a text's token hashes and figures. Its
// shingles and grams carry verification hashes (see verifyShingles), not
// those that keys are made of.
func newProfile(toks []uint32, figures []wordSpan) *profile {
	p := &profile{toks: toks, shingles: verifyShingles(toks), figures: figures}
	p.grams, p.first, p.last = verifyGrams(toks)
	return p
}

// index returns the profile's shingle and gram tables, building them once:
// fingerprinting needs only the sequences, and of a compared pair only the
// first text is indexed (see match).
func (p *profile) index() *posIndex {
	p.once.Do(func() {
		p.idx = &posIndex{shingles: newPosTable(p.shingles), grams: newPosTable(p.grams)}
	})
	return p.idx
}

// profileOfTokens builds the profile of a tokenized text. A figure is a
// run of words with digits joined by single separators ("1,000",
// "100-3/4", "8.06"), so that it compares whole.
func profileOfTokens(clean string, toks []token) *profile {
	hashes := make([]uint32, len(toks))
	var figures []wordSpan
	for i, t := range toks {
		hashes[i] = t.hash
		if !t.figure {
			continue
		}
		if k := len(figures) - 1; k >= 0 && int(figures[k].at+figures[k].n) == i && joinsFigure(clean[toks[i-1].end:t.start]) {
			figures[k].n++
			continue
		}
		figures = append(figures, wordSpan{at: int32(i), n: 1})
	}
	p := newProfile(hashes, figures)
	p.names = findNames(clean, toks)
	return p
}

// findNames returns the names of a tokenized text: the capitalized words
// inside a sentence (not after a full stop, a colon, a quotation mark or
// a line break), other than stopwords and figures. A paragraph in which
// most such words are capitalized (a headline in title case, a byline, a
// text in capitals) has no capitals to tell names by, and gives none.
func findNames(clean string, toks []token) []wordSpan {
	var out []wordSpan
	from, words := 0, 0 // the current paragraph's first name in out, and its words
	for i, t := range toks {
		between := ""
		if i > 0 {
			between = clean[toks[i-1].end:t.start]
		}
		if i == 0 || strings.Contains(between, "\n") {
			if 2*(len(out)-from) > words {
				out = out[:from]
			}
			from, words = len(out), 0
		}
		if t.stop() || t.figure {
			continue
		}
		words++
		r, _ := utf8.DecodeRuneInString(clean[t.start:])
		word := clean[t.start:t.end]
		if i > 0 && unicode.IsUpper(r) && !strings.ContainsAny(between, sentenceStarts) && !firstPerson(word) && !honorific(word) {
			out = append(out, wordSpan{at: int32(i), n: 1})
		}
	}
	if 2*(len(out)-from) > words {
		out = out[:from]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// firstPerson reports whether a word is a contraction of "I" ("I'm",
// "I've"), capitalized wherever it stands.
func firstPerson(word string) bool {
	if len(word) < 2 || word[0] != 'I' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(word[1:])
	return isApostrophe(r)
}

// honorific reports whether a word is a title before a name ("Mr Howard"):
// outlets differ in whether they write one, so it is not part of the name.
func honorific(word string) bool {
	for _, h := range honorifics {
		if strings.EqualFold(word, h) {
			return true
		}
	}
	return false
}

var honorifics = [...]string{"mr", "mrs", "ms", "dr", "sir", "prof"}

// sentenceStarts are the marks after which a capital says nothing.
const sentenceStarts = ".!?:;\n\"“”‘«»("

func joinsFigure(between string) bool {
	return len(between) == 1 && strings.ContainsAny(between, ".,/-:")
}

// posIndex finds where a profile has a given shingle or gram.
type posIndex struct {
	shingles, grams posTable
}

// posTable is an open-addressing hash table from a hash to the positions it
// occurs at in a sequence. The hashes are already well mixed, so their low
// bits pick the slot.
type posTable struct {
	mask uint64
	// filter has the bit (h>>32)&fmask set for every hash h in the table:
	// most hashes looked up are not there, and one bit tells most of them
	// without a probe.
	filter []uint64
	fmask  uint64
	hashes []uint64 // by slot
	head   []int32  // by slot: first position holding the slot's hash, +1; 0 for an empty slot
	next   []int32  // by position: next position with the same hash, or -1
}

func newPosTable(hs []uint64) posTable {
	size := 1
	for size < 2*len(hs) {
		size <<= 1
	}
	t := posTable{mask: uint64(size - 1), hashes: make([]uint64, size), head: make([]int32, size), next: make([]int32, len(hs))}
	bits := max(64, 8*size) // 16 bits or more per hash
	t.filter, t.fmask = make([]uint64, bits/64), uint64(bits-1)
	for i := len(hs) - 1; i >= 0; i-- {
		b := (hs[i] >> 32) & t.fmask
		t.filter[b/64] |= 1 << (b % 64)
		s := t.slot(hs[i])
		t.hashes[s] = hs[i]
		t.next[i] = t.head[s] - 1
		t.head[s] = int32(i) + 1
	}
	return t
}

// mayHold reports whether the table may hold h; false means it does not.
func (t *posTable) mayHold(h uint64) bool {
	b := (h >> 32) & t.fmask
	return t.filter[b/64]&(1<<(b%64)) != 0
}

// slot returns the slot that holds h, or the empty slot where h would go.
func (t *posTable) slot(h uint64) uint64 {
	for s := h & t.mask; ; s = (s + 1) & t.mask {
		if t.head[s] == 0 || t.hashes[s] == h {
			return s
		}
	}
}

// coverage marks which tokens of a text are matched in the other: exactly
// (inside a shingle the other also has) or by rewording (inside a stopword
// gram the other also has).
type coverage struct {
	exact, any []bool
	nExact     int
	nAny       int
	// ignored counts the words left out as furniture (see ignore): they
	// are marked in any, so that they are no one's new material, and
	// counted neither as words nor as matched ones; ignoredExact of them
	// are in exact.
	ignored, ignoredExact int
	skip                  []bool // the words ignored, if any
	// othersFurniture marks the words that match only the other text's
	// recurring furniture (nil if none do): see match.
	othersFurniture []bool
}

// ignore leaves out the words marked in furniture (nil for none), with
// any left out before: the words of a text that are recurring furniture,
// its own or matching the other text's.
func (c *coverage) ignore(furniture []bool) {
	if furniture == nil {
		return
	}
	if c.skip == nil {
		c.skip = make([]bool, len(c.any))
	}
	for i, f := range furniture {
		if !f || c.skip[i] {
			continue
		}
		c.skip[i] = true
		c.ignored++
		if c.exact[i] {
			c.ignoredExact++
		}
		if !c.any[i] {
			c.any[i] = true
			c.nAny++
		}
	}
}

// words is the number of words compared; matched and verbatim, of them,
// how many are matched and matched word for word.
func (c coverage) words() int    { return len(c.any) - c.ignored }
func (c coverage) matched() int  { return c.nAny - c.ignored }
func (c coverage) verbatim() int { return c.nExact - c.ignoredExact }

func newCoverage(n int) coverage {
	b := make([]bool, 2*n)
	return coverage{exact: b[:n:n], any: b[n:]}
}

func (c *coverage) count() {
	c.nExact += count(c.exact)
	c.nAny += count(c.any)
}

func mark(b []bool, from, to int) {
	for j := from; j < min(to, len(b)); j++ {
		b[j] = true
	}
}

// match computes the coverage of a in b and of b in a in one pass over b's
// shingles and grams, each looked up in a's index. Every hash a shares is
// expanded to its positions in a once, however often b repeats it.
//
// A shingle or a gram that touches recurring furniture matches nothing, on
// either side. A word inside a shingle that matches only shingles wholly in
// the other text's furniture is marked in othersFurniture, to be left out
// (see leaveOut).
func match(a, b *profile) (inB, inA coverage) {
	idx := a.index()
	inB, inA = newCoverage(len(a.toks)), newCoverage(len(b.toks))
	const (
		seen   = 1 << iota
		clean  // the hash has a position in a that touches no furniture
		inside // the hash has a position wholly in a's furniture
	)
	t := &idx.shingles
	buf := states.Get().(*[]uint8)
	defer states.Put(buf)
	state := zeroed(buf, len(t.head))
	for j, h := range b.shingles {
		if !t.mayHold(h) {
			continue
		}
		s := t.slot(h)
		if t.head[s] == 0 {
			continue
		}
		if b.touching.shingles != nil && b.touching.shingles[j] {
			if b.inside[j] {
				for i := t.head[s] - 1; i >= 0; i = t.next[i] {
					if a.touching.shingles == nil || !a.touching.shingles[i] {
						inB.othersFurniture = markNew(inB.othersFurniture, len(a.toks), int(i), int(i)+shingleWords)
					}
				}
			}
			continue
		}
		st := state[s]
		if st == 0 {
			st = seen
			for i := t.head[s] - 1; i >= 0; i = t.next[i] {
				switch {
				case a.touching.shingles == nil || !a.touching.shingles[i]:
					st |= clean
					mark(inB.exact, int(i), int(i)+shingleWords)
				case a.inside[i]:
					st |= inside
				}
			}
			state[s] = st
		}
		switch {
		case st&clean != 0:
			mark(inA.exact, j, j+shingleWords)
		case st&inside != 0:
			inA.othersFurniture = markNew(inA.othersFurniture, len(b.toks), j, j+shingleWords)
		}
	}
	copy(inB.any, inB.exact)
	copy(inA.any, inA.exact)
	t = &idx.grams
	state = zeroed(buf, len(t.head))
	for j, h := range b.grams {
		if b.touching.grams != nil && b.touching.grams[j] || !t.mayHold(h) {
			continue
		}
		s := t.slot(h)
		if t.head[s] == 0 {
			continue
		}
		st := state[s]
		if st == 0 {
			st = seen
			for i := t.head[s] - 1; i >= 0; i = t.next[i] {
				if a.touching.grams == nil || !a.touching.grams[i] {
					st |= clean
					mark(inB.any, int(a.first[i]), int(a.last[i])+1)
				}
			}
			state[s] = st
		}
		if st&clean != 0 {
			mark(inA.any, int(b.first[j]), int(b.last[j])+1)
		}
	}
	inB.count()
	inA.count()
	return inB, inA
}

// states holds match's per-slot state tables for reuse: match runs for
// every candidate, and allocating them each time kept the garbage
// collector busy.
var states = sync.Pool{New: func() any { return new([]uint8) }}

// zeroed returns (*buf)[:n] all zero, growing *buf if needed.
func zeroed(buf *[]uint8, n int) []uint8 {
	if cap(*buf) < n {
		*buf = make([]uint8, n)
	} else {
		*buf = (*buf)[:n]
		clear(*buf)
	}
	return *buf
}

// markNew marks [from, to) in b, making b (of length n) first if it is nil.
func markNew(b []bool, n, from, to int) []bool {
	if b == nil {
		b = make([]bool, n)
	}
	mark(b, from, to)
	return b
}

// cover returns which tokens of p are matched in q. p is the one indexed:
// callers cover one text by many others.
func cover(p, q *profile) coverage {
	c, _ := match(p, q)
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
	// aligned, when set, is the measure with reworded stretches between
	// aligned matches filled in (see fillAligned); it can make the pair a
	// rewrite, nothing else.
	aligned *measure
	// figures: the fewer distinct figures that the two texts give in the
	// parts they account for in each other, and how many of those both give
	figures, sharedFigures int
	// noFigureShared is set when each text gives a figure in those parts,
	// however few, and none of them is the other's
	noFigureShared bool
	// names: likewise for names
	names, sharedNames int
}

// compare indexes a: the article being matched, verified against many.
func compare(a, b *profile) measure {
	covA, covB := match(a, b)
	m := measure{covA: covA, covB: covB}
	if alignable(covA, covB) {
		fA, fB := covA.clone(), covB.clone()
		if fillAligned(a, b, &fA, &fB) {
			m.aligned = &measure{covA: fA, covB: fB}
		}
	}
	m.leaveOut(a, b)
	return m
}

// alignable reports whether a pair matched as covA and covB is aligned:
// alignment fills only stretches that hold an unmatched run of minFillRun
// words, so a pair without one (a copy) is not.
func alignable(covA, covB coverage) bool {
	return min(covA.nAny, covB.nAny) >= minAlignWords &&
		(longestUnmatched(covA.any) >= minFillRun || longestUnmatched(covB.any) >= minFillRun)
}

// relationEnough is classify(compare(a, b), th) where the caller needs to
// know only whether the relation is enough: when the matched words alone
// give a relation that is, the pair is not aligned, since alignment only
// ever makes a pair a rewrite and never takes a relation away. Aligning
// is the dearer half of comparing two long texts.
func relationEnough(a, b *profile, th Thresholds, enough func(Relation) bool) Relation {
	covA, covB := match(a, b)
	canAlign := alignable(covA, covB)
	m := measure{covA: covA, covB: covB}
	m.leaveOut(a, b)
	rel, _ := classifyMatched(m, th)
	if !canAlign || enough(rel) {
		return rel
	}
	// The pair is matched again: keeping a copy of every alignable pair's
	// coverage for this cost more than it saved (docs/BENCHMARKS.md).
	rel, _ = classify(compare(a, b), th)
	return rel
}

// clone returns a copy of c that fillAligned and ignore may change
// without changing c: they write any and skip, and only read the rest.
func (c coverage) clone() coverage {
	c.any, c.skip = slices.Clone(c.any), slices.Clone(c.skip)
	return c
}

// leaveOut leaves the recurring furniture of a and b out of the measure:
// each text's own, and its words that match only the other's (which the
// other left out). It then compares the figures, which depend on what is
// left.
func (m *measure) leaveOut(a, b *profile) {
	if m.aligned != nil {
		m.aligned.leaveOut(a, b)
	}
	m.covA.ignore(a.furniture)
	m.covA.ignore(m.covA.othersFurniture)
	m.covB.ignore(b.furniture)
	m.covB.ignore(m.covB.othersFurniture)
	m.figures, m.sharedFigures, m.names, m.sharedNames = 0, 0, 0, 0
	// Figures and names matter only to a pair that may be the same story,
	// which needs at least minCovered of one text matched.
	if frac(m.covA.matched(), m.covA.words()) < minCovered && frac(m.covB.matched(), m.covB.words()) < minCovered {
		return
	}
	m.figures, m.sharedFigures = compareSpans(a, b, a.figures, b.figures, m.covA, m.covB)
	if m.figures == 0 && len(a.figures) > 0 && len(b.figures) > 0 {
		fa, fb := accountedSpans(a, a.figures, m.covA), accountedSpans(b, b.figures, m.covB)
		m.noFigureShared = len(fa) > 0 && len(fb) > 0 && countShared(fa, fb) == 0
	}
	m.names, m.sharedNames = compareSpans(a, b, a.names, b.names, m.covA, m.covB)
}

// compareSpans returns the fewer distinct spans (figures or names) that a
// and b give in the parts they account for in each other, and how many of
// those both give; 0, 0 when either text gives fewer than minSpans.
func compareSpans(a, b *profile, sa, sb []wordSpan, ca, cb coverage) (fewer, shared int) {
	if len(sa) < minSpans || len(sb) < minSpans {
		return 0, 0
	}
	fa, fb := accountedSpans(a, sa, ca), accountedSpans(b, sb, cb)
	return min(len(fa), len(fb)), countShared(fa, fb)
}

// accountedSpans returns the distinct spans of p (its figures or its
// names), sorted, that lie in the part the other text accounts for:
// outside its unmatched runs of minGap words or more (a trimmed ending, an
// added paragraph), whose figures and names the other text never had a
// place for.
func accountedSpans(p *profile, spans []wordSpan, c coverage) []uint64 {
	covered := c.any
	var out []uint64
	runStart, runStop := -1, -1 // the unmatched run the scan is in
	for _, f := range spans {
		i := int(f.at)
		if c.skip != nil && c.skip[i] {
			continue
		}
		if !covered[i] {
			if i >= runStop {
				runStart = i
				for runStart > 0 && !covered[runStart-1] {
					runStart--
				}
				runStop = runEnd(covered, i)
			}
			if runStop-runStart >= minGap {
				continue
			}
		}
		out = append(out, spanHash(p, f))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// spanHash identifies a figure or a name of p by its words.
func spanHash(p *profile, f wordSpan) uint64 {
	h := uint64(f.n)
	for _, t := range p.toks[f.at : f.at+f.n] {
		h = mix64(h ^ uint64(t))
	}
	return h
}

// runEnd returns the end of the unmatched run that starts at i.
func runEnd(covered []bool, i int) int {
	for i < len(covered) && !covered[i] {
		i++
	}
	return i
}

// countShared counts the values two sorted sets have in common.
func countShared(a, b []uint64) int {
	n := 0
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			n++
			a, b = a[1:], b[1:]
		}
	}
	return n
}

// minSpans is the fewest figures (or names) each text must give for a
// difference in them to tell two stories apart.
const minSpans = 3

// otherFigures reports whether two texts give other figures: then they are
// different stories written to one template (two bond issues, two
// companies' results, two countries' crop estimates), however alike their
// wording. A copy or a rewrite keeps the figures; spinners and translators
// replace words, not amounts and dates. So of the figures both texts give
// in the parts they account for in each other, one may differ (a corrected
// figure, a typing slip, an amount written another way), or a quarter of
// them where there are more than four; two bond issues written to one
// template share their boilerplate figures (denominations, fees, a
// listing's dates) and differ in the issue's own, more than that. Texts
// with fewer than minSpans figures differ when they share none of them:
// two days' reports of the same kind ("Fed adds reserves via customer
// repurchases", 1.5 and then 2.5 billion dlrs, funds at 6-1/8 and then
// 6-3/16 pct).
func (m measure) otherFigures() bool {
	differ := m.figures - m.sharedFigures
	return m.figures >= minSpans && 4*differ > max(4, m.figures) || m.noFigureShared
}

// otherNames reports whether two texts name mostly different people,
// companies and places: then they too are different stories written to
// one template (two companies' share offerings, two dividends), and for the
// same reason: a spinner's thesaurus holds common words, not names.
func (m measure) otherNames() bool {
	return m.names >= minSpans && 2*m.sharedNames < m.names
}

func frac(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// similarity summarizes a measure; ContainmentA is the share of A matched in B.
func (m measure) similarity(simA, simB uint64) Similarity {
	shared := min(m.covA.matched(), m.covB.matched())
	union := m.covA.words() + m.covB.words() - shared
	return Similarity{
		Jaccard:         frac(shared, union),
		ContainmentA:    frac(m.covA.matched(), m.covA.words()),
		ContainmentB:    frac(m.covB.matched(), m.covB.words()),
		SimHashDistance: hamming(simA, simB),
	}
}

// minGap is the shortest unmatched run that counts as new material: shorter
// gaps between matches are edits (a spun word, a translated phrase, a line
// of boilerplate) inside text that is otherwise the same.
const minGap = 20

// novel marks the words of a text that lie in unmatched runs of at least
// minGap words. Words marked in skip (nil for none) are left out, as if the
// text did not have them.
func novel(covered, skip []bool) []bool {
	out := make([]bool, len(covered))
	start, n := -1, 0
	for i := 0; i <= len(covered); i++ {
		if i < len(covered) && skip != nil && skip[i] {
			continue // left out: the run goes on across it
		}
		if i < len(covered) && !covered[i] {
			if start < 0 {
				start = i
			}
			n++
			continue
		}
		if n >= minGap {
			for j := start; j < i; j++ {
				out[j] = skip == nil || !skip[j]
			}
		}
		start, n = -1, 0
	}
	return out
}

// novelWords counts the words novel(covered, skip) marks, without marking
// them.
func novelWords(covered, skip []bool) int {
	total, n := 0, 0
	for i := 0; i <= len(covered); i++ {
		if i < len(covered) && skip != nil && skip[i] {
			continue
		}
		if i < len(covered) && !covered[i] {
			n++
			continue
		}
		if n >= minGap {
			total += n
		}
		n = 0
	}
	return total
}

// count returns how many of b are true. Coverage is counted for every
// candidate, so it reads b eight at a time: a bool is one byte, 0 or 1, and
// the set bits of eight of them are the trues among them.
func count(b []bool) int {
	return countBoth(b, b)
}

// countBoth returns at how many indexes both a and b are true. b is at
// least as long as a.
func countBoth(a, b []bool) int {
	ab, bb := boolBytes(a), boolBytes(b)
	n, i := 0, 0
	for ; i+8 <= len(ab); i += 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(ab[i:]) & binary.LittleEndian.Uint64(bb[i:]))
	}
	for ; i < len(ab); i++ {
		if a[i] && b[i] {
			n++
		}
	}
	return n
}

// boolBytes returns b's memory as bytes, each 0 or 1.
func boolBytes(b []bool) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// explained is the share of a text that the other one accounts for: all
// but its unmatched runs of minGap words or more.
func explained(c coverage) float64 {
	return 1 - frac(novelWords(c.any, c.skip), c.words())
}

// side describes one text of a pair as matched in the other.
type side struct {
	explained float64 // share accounted for by the other text
	covered   float64 // share matched
	verbatim  float64 // share of the matched words that match word for word
}

// sides returns the better-explained text of the pair first.
func (m measure) sides() (side, side) {
	a := side{explained(m.covA), frac(m.covA.matched(), m.covA.words()), frac(m.covA.verbatim(), m.covA.matched())}
	b := side{explained(m.covB), frac(m.covB.matched(), m.covB.words()), frac(m.covB.verbatim(), m.covB.matched())}
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
	rel, score, _ := decide(m, th)
	return rel, score
}

// decide is classify, also returning the measure that decided: m, or its
// aligned measure when only that makes the pair the same story. A pair
// that is the same story only once its reworded stretches are filled in is
// a rewrite.
func decide(m measure, th Thresholds) (Relation, float64, measure) {
	rel, score := classifyMatched(m, th)
	if m.aligned != nil && !rel.Clusters() && m.aligned.sharedFigures == m.aligned.figures {
		if r, s := classifyMatched(*m.aligned, th); r.Clusters() {
			return RelationRewrite, s, *m.aligned
		}
	}
	return rel, score, m
}

func classifyMatched(m measure, th Thresholds) (Relation, float64) {
	x, _ := m.sides()
	if min(m.covA.matched(), m.covB.matched()) < minSharedWords {
		return "", x.explained
	}
	same := !m.otherFigures() && !m.otherNames()

	switch {
	case same && x.explained >= th.Copy && x.covered >= minCovered && x.verbatim >= verbatim:
		return RelationCopy, x.explained
	case same && x.explained >= th.Rewrite && x.covered >= minCovered:
		return RelationRewrite, x.explained
	case x.explained >= th.Partial:
		return RelationPartial, x.explained
	}
	return "", x.explained
}
