package dedup

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// minPassageWords is the shortest shared run reported as a passage.
const minPassageWords = 8

// Compare explains how two stored articles relate, with the passages they
// share. The recurring furniture that matching found in them is left out
// of the relation and the scores, as it was when they were linked.
func (s *Service) Compare(ctx context.Context, a, b int64) (*Comparison, error) {
	aa, err := s.store.GetArticle(ctx, a)
	if err != nil {
		return nil, err
	}
	bb, err := s.store.GetArticle(ctx, b)
	if err != nil {
		return nil, err
	}
	fps, err := s.store.ListFingerprints(ctx, []int64{a, b})
	if err != nil {
		return nil, fmt.Errorf("list fingerprints: %w", err)
	}
	runs := map[int64][]tokenRun{}
	for _, f := range fps {
		p, err := s.profileOf(f.ArticleID, &f.Fingerprint)
		if err != nil {
			return nil, fmt.Errorf("article %d: %w", f.ArticleID, err)
		}
		runs[f.ArticleID] = p.recurring
	}
	return explain(aa, bb, runs[a], runs[b], s.opts.Thresholds), nil
}

// Explain compares two articles and returns their relation and the passages
// they share, as rune offsets into each body as submitted.
func Explain(a, b *Article, th Thresholds) *Comparison {
	return explain(a, b, nil, nil, th)
}

// explain is Explain with the recurring furniture of each text known.
func explain(a, b *Article, runsA, runsB []tokenRun, th Thresholds) *Comparison {
	ta, fa := Analyze(a.Body, a.Format)
	tb, fb := Analyze(b.Body, b.Format)
	tka, tkb := tokenize(ta), tokenize(tb)
	pa, pb := profileOfTokens(ta.Clean, tka), profileOfTokens(tb.Clean, tkb)
	setRunsWithin(pa, runsA)
	setRunsWithin(pb, runsB)
	rel, score, m := decide(compare(pa, pb), th.withDefaults())
	if fa.ContentHash == fb.ContentHash && fa.Tokens > 0 {
		rel, score = RelationExact, 1
	}
	c := &Comparison{A: a.ID, B: b.ID, Relation: rel, Score: score, Similarity: m.similarity(fa.SimHash, fb.SimHash)}
	for _, r := range alignRuns(pa, pb) {
		if r.n < minPassageWords {
			continue
		}
		c.Passages = append(c.Passages, passage(a.Body, ta, tka, b.Body, tb, tkb, r))
	}
	return c
}

// setRunsWithin records runs found when the text was stored, if they fit
// the text as analysed now (a text stored by an older fingerprint version
// may have other tokens).
func setRunsWithin(p *profile, runs []tokenRun) {
	if n := len(runs); n > 0 && int(runs[n-1].at+runs[n-1].n) <= len(p.toks) {
		p.setRecurring(runs)
	}
}

// run is a stretch of n tokens starting at token i of A and j of B that
// match word for word.
type run struct{ i, j, n int }

// alignRuns finds maximal word-for-word runs of A in B, anchored on shared
// shingles: each shingle of A that B has starts or extends a run at B's
// first occurrence of it.
func alignRuns(a, b *profile) []run {
	first := make(map[uint64]int, len(b.shingles))
	for j := len(b.shingles) - 1; j >= 0; j-- {
		first[b.shingles[j]] = j
	}
	var runs []run
	cur := run{i: -1}
	for i, h := range a.shingles {
		j, ok := first[h]
		switch {
		case ok && cur.i >= 0 && j == cur.j+(i-cur.i):
			cur.n = i - cur.i + shingleWords
		case ok:
			if cur.i >= 0 {
				runs = append(runs, cur)
			}
			cur = run{i: i, j: j, n: shingleWords}
		}
	}
	if cur.i >= 0 {
		runs = append(runs, cur)
	}
	for k := range runs {
		runs[k].n = min(runs[k].n, len(a.toks)-runs[k].i, len(b.toks)-runs[k].j)
	}
	return runs
}

func passage(bodyA string, ta *Text, tka []token, bodyB string, tb *Text, tkb []token, r run) Passage {
	as, ae := ta.Original(tka[r.i].start, false), ta.Original(tka[r.i+r.n-1].end, true)
	bs, be := tb.Original(tkb[r.j].start, false), tb.Original(tkb[r.j+r.n-1].end, true)
	return Passage{
		AStart: runeOffset(bodyA, as), AEnd: runeOffset(bodyA, ae),
		BStart: runeOffset(bodyB, bs), BEnd: runeOffset(bodyB, be),
		Text: ta.Clean[tka[r.i].start:tka[r.i+r.n-1].end],
	}
}

// runeOffset converts a byte offset of s to a rune offset.
func runeOffset(s string, off int) int {
	off = min(max(off, 0), len(s))
	return utf8.RuneCountInString(s[:off])
}
