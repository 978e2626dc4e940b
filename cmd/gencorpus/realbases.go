package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"unicode"
)

// Base-article modes (-bases).
const (
	basesRecombined = "recombined" // sentences of many real articles, spliced: as many bases as wanted
	basesReal       = "real"       // whole real articles, each at most once: a held-out-like test set
)

// minRealWords is the shortest real article used whole as a base: shorter
// ones are mostly one-line briefs and earnings tables, which a
// near-duplicate benchmark of news stories does not hold.
const minRealWords = 80

// Passage sampling for telling real articles apart: 8-word windows, one in
// sampleEvery kept by hash. A candidate that shares maxSeenShare or more of
// the kept windows of the shorter of itself and an earlier base is a
// near-duplicate of that base (a Reuters correction or re-issue, a
// syndicated copy among the scraped pages) and is skipped, so that every
// same-story pair of the output is one the pairs file records.
const (
	passageWords = 8
	sampleEvery  = 2
	maxSeenShare = 0.2
)

// errBasesExhausted ends a -bases real run that needs more distinct real
// articles than the corpora hold.
var errBasesExhausted = errors.New("the real corpora hold no more distinct articles: use a smaller -n")

// realBases hands out whole real articles in a seeded random order, each
// at most once, skipping near-duplicates of those already handed out.
type realBases struct {
	docs  []*baseDoc
	next  int
	owner map[uint64]int32 // a kept window's hash: the base that first had it
	sizes []int            // the kept windows of each base handed out
}

// newRealBases shuffles the articles of every corpus, and of wikiref220
// under dir when it is there (independent coverage of 16 events: real
// same-topic negatives), with r.
func newRealBases(corpora []*corpus, dir string, r *rand.Rand) (*realBases, error) {
	var docs []*baseDoc
	add := func(c *corpus) {
		for i := range c.docs {
			if d := &c.docs[i]; len(docWords(d)) >= minRealWords {
				docs = append(docs, d)
			}
		}
	}
	for _, c := range corpora {
		add(c)
	}
	w, err := loadCorpus(filepath.Join(dir, "wikiref220", "docs.jsonl"))
	switch {
	case err == nil:
		add(w)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return &realBases{docs: docs, owner: make(map[uint64]int32)}, nil
}

// take returns the next real article that is not a near-duplicate of one
// taken before.
func (b *realBases) take() (*baseDoc, error) {
	for b.next < len(b.docs) {
		d := b.docs[b.next]
		b.next++
		hs := passageHashes(d)
		if len(hs) == 0 || b.duplicate(hs) {
			continue
		}
		id := int32(len(b.sizes))
		for _, h := range hs {
			if _, ok := b.owner[h]; !ok {
				b.owner[h] = id
			}
		}
		b.sizes = append(b.sizes, len(hs))
		return d, nil
	}
	return nil, fmt.Errorf("%w (%d articles of at least %d words)", errBasesExhausted, len(b.docs), minRealWords)
}

// duplicate reports whether the windows hs share maxSeenShare of the
// shorter side with one base handed out before.
func (b *realBases) duplicate(hs []uint64) bool {
	shared := make(map[int32]int)
	for _, h := range hs {
		if id, ok := b.owner[h]; ok {
			shared[id]++
		}
	}
	for id, n := range shared {
		if float64(n) >= maxSeenShare*float64(min(len(hs), b.sizes[id])) {
			return true
		}
	}
	return false
}

// maxRealParagraph is the most sentences of a real base's paragraph. The
// BBC corpus lost its paragraph breaks after the lede, so its articles are
// two paragraphs; a news paragraph is one to three sentences, and trimmed
// copies and partial reuse cut at paragraphs.
const maxRealParagraph = 3

// realArticle is a base article made of d's text, its long paragraphs
// split.
func realArticle(d *baseDoc) *article {
	a := &article{title: d.title, source: d.source}
	for _, p := range d.paras {
		for len(p) > 0 {
			n := min(len(p), maxRealParagraph)
			a.paras = append(a.paras, strings.Join(p[:n], " "))
			p = p[n:]
		}
	}
	if a.source == "" {
		a.source = "Wire"
	}
	return a
}

// docWords returns the lower-case words of d.
func docWords(d *baseDoc) []string {
	var words []string
	for _, p := range d.paras {
		for _, s := range p {
			for _, w := range strings.FieldsFunc(s, notWordRune) {
				words = append(words, strings.ToLower(w))
			}
		}
	}
	return words
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// passageHashes returns the sampled hashes of d's 8-word windows.
func passageHashes(d *baseDoc) []uint64 {
	words := docWords(d)
	var out []uint64
	h := fnv.New64a()
	for i := 0; i+passageWords <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+passageWords] {
			h.Write([]byte(w))
			h.Write([]byte{' '})
		}
		if x := mix64(h.Sum64()); x%sampleEvery == 0 {
			out = append(out, x)
		}
	}
	return out
}
