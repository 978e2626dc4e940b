package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Relations of a generated article to an earlier one, as in the eval pairs.tsv.
const (
	relCopy    = "copy"
	relRewrite = "rewrite"
	relPartial = "partial"
)

// Near-duplicate kinds, cumulative: copies, then rewrites, then partial
// reuse, in about the proportions of the newsdup-dev benchmark.
const (
	shareCopy    = 0.45
	shareRewrite = 0.85
)

// minSentences is the shortest base article. Sentences are drawn from a
// pool, so two articles share one now and then; in an article of a
// sentence or two that would be most of it, and unrelated base articles
// would look like copies of each other.
const minSentences = 6

// spliceRate is the share of base-article sentences that are the front
// of one real sentence joined to the back of another (see splice). A few
// thousand real sentences per topic fill hundreds of thousands of
// articles: unspliced, each sentence would recur in hundreds of them, and
// short unrelated articles would look like copies of each other.
const spliceRate = 0.9

// epoch is the publication time of the first generated article; each next
// one is published about articleGap later.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

const articleGap = 30 * time.Second

// article is one generated article.
type article struct {
	id        string
	title     string
	source    string
	paras     []string
	published time.Time
	// story is paras without the furniture a syndicated copy adds (byline,
	// dateline, boilerplate): what a later copy or rewrite starts from, so
	// that datelines do not pile up along a chain of copies.
	story []string
}

func (a *article) text() string { return strings.Join(a.paras, "\n\n") }

// link records that an article was derived from an earlier one.
type link struct {
	from, to string // the earlier article, the derived one
	relation string
}

// generator makes the article stream. It is deterministic: one random
// source, seeded once, drawn from in a fixed order. Its memory is the
// corpus index plus the last window articles, which near-duplicates copy.
type generator struct {
	corpora   []*corpus
	thesaurus map[string][]string
	r         *rand.Rand
	dupRate   float64
	window    int
	recent    []*article // a ring of the last window articles
	n         int        // articles generated
	slot      int        // the ring slot to overwrite next, once it is full
	idKey     uint64
	counts    map[string]int // by relation, "base" for base articles
	real      *realBases     // whole real articles as bases (-bases real), or nil
	err       error          // why real bases ran out
}

func newGenerator(corpora []*corpus, seed uint64, dupRate float64, window int) *generator {
	return &generator{
		corpora:   corpora,
		thesaurus: newThesaurus(),
		r:         rand.New(rand.NewPCG(seed, 0x6e657773646564)), // "newsded"
		dupRate:   dupRate,
		window:    window,
		idKey:     mix64(seed ^ 0x9e3779b97f4a7c15),
		counts:    make(map[string]int),
	}
}

// next returns the next article and, for a near-duplicate, its link.
func (g *generator) next() (*article, *link, error) {
	var a *article
	var l *link
	if len(g.recent) > 0 && g.r.Float64() < g.dupRate {
		src := g.recent[g.r.IntN(len(g.recent))]
		var rel string
		a, rel = g.nearDup(src)
		l = &link{from: src.id, relation: rel}
		g.counts[rel]++
	} else {
		a = g.base()
		g.counts["base"]++
	}
	a.id = g.id(g.n)
	a.published = epoch.Add(time.Duration(g.n)*articleGap + time.Duration(g.r.IntN(30))*time.Second)
	if l != nil {
		l.to = a.id
	}
	if a.story == nil {
		a.story = a.paras
	}
	if g.err != nil {
		return nil, nil, g.err
	}
	if l == nil || l.relation != relPartial {
		g.remember(a)
	}
	g.n++
	return a, l, nil
}

// remember adds an article to the ring near-duplicates are drawn from.
// Partial reuses are left out: a copy of one would also share text with
// the article it reused, a relation the pairs file would not record.
func (g *generator) remember(a *article) {
	if len(g.recent) < g.window {
		g.recent = append(g.recent, a)
		return
	}
	g.recent[g.slot%g.window] = a
	g.slot++
}

func (g *generator) nearDup(src *article) (*article, string) {
	switch u := g.r.Float64(); {
	case u < shareCopy:
		return g.copyEdit(src), relCopy
	case u < shareRewrite:
		return g.rewrite(src), relRewrite
	}
	return g.partial(src), relPartial
}

// base makes a new article that is not a near-duplicate of a real one: the
// paragraph and sentence shape of a template article (lengthened to
// minSentences), filled with sentences drawn from the same places (lede,
// body, ending) of other articles on its topic, with numbers changed. The
// headline is that of the article the lede came from. Two base articles
// share a sentence now and then, as stories on one topic do, but little more.
// With -bases real, a base article is instead a whole real one.
func (g *generator) base() *article {
	if g.real != nil {
		d, err := g.real.take()
		if err != nil {
			g.err = err
			return &article{paras: []string{""}}
		}
		return realArticle(d)
	}
	c := pick(g.r, g.corpora)
	tmpl := &c.docs[g.r.IntN(len(c.docs))]
	group := c.groups[tmpl.group]
	shape := g.shape(c, tmpl, group)
	a := &article{source: tmpl.source, paras: make([]string, len(shape))}
	var sb strings.Builder
	for k, n := range shape {
		sb.Reset()
		for j := range n {
			sentence, from := g.sentenceAt(c, group, k, len(shape))
			if k == 0 && j == 0 {
				a.title = g.perturbNumbers(from.title)
			}
			if g.r.Float64() < spliceRate {
				back, _ := g.sentenceAt(c, group, k, len(shape))
				sentence = splice(sentence, back)
			}
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(g.perturbNumbers(sentence))
		}
		a.paras[k] = sb.String()
	}
	return a
}

// sentenceAt draws a sentence of a random article of the group from
// paragraph k of n at the same relative place: ledes come from ledes and
// sign-offs from sign-offs.
func (g *generator) sentenceAt(c *corpus, group []int32, k, n int) (string, *baseDoc) {
	d := &c.docs[group[g.r.IntN(len(group))]]
	p := d.paras[k*len(d.paras)/n]
	return p[g.r.IntN(len(p))], d
}

// splice joins the front of a to the back of b, each cut at the joint
// nearest its middle: "Profits rose sharply, the company said." and "Talks
// ended early, officials said on Friday." give "Profits rose sharply,
// officials said on Friday." It returns a when either has no joint.
func splice(a, b string) string {
	i, j := middleJoint(a), middleJoint(b)
	if i < 0 || j < 0 {
		return a
	}
	return a[:i] + b[j:]
}

// joints are where a sentence may be cut; the back part keeps the joint.
var joints = []string{", ", " and ", " but ", " said ", " that ", " which ", " with ", " after ", " in ", " on ", " of ", " to ", " for "}

// middleJoint returns the index of the joint nearest the middle of s that
// leaves ten bytes or more on both sides, or -1. It searches outwards from
// the middle, so the first joint found is the nearest.
func middleJoint(s string) int {
	mid := len(s) / 2
	for d := 0; d <= mid; d++ {
		for _, i := range [2]int{mid - d, mid + d} {
			if i >= 10 && len(s)-i >= 10 && isJoint(s[i:]) {
				return i
			}
		}
	}
	return -1
}

func isJoint(s string) bool {
	if s[0] != ',' && s[0] != ' ' {
		return false
	}
	for _, j := range joints {
		if strings.HasPrefix(s, j) {
			return true
		}
	}
	return false
}

// shape returns the sentence count of each paragraph of a base article:
// the template's, followed by the shapes of other articles on its topic
// until there are minSentences.
func (g *generator) shape(c *corpus, tmpl *baseDoc, group []int32) []int {
	shape := make([]int, 0, len(tmpl.paras)+4)
	total := 0
	add := func(paras [][]string) {
		for _, p := range paras {
			if len(shape) < maxParagraphs {
				shape = append(shape, len(p))
				total += len(p)
			}
		}
	}
	add(tmpl.paras)
	for total < minSentences && len(shape) < maxParagraphs {
		add(c.docs[group[g.r.IntN(len(group))]].paras)
	}
	return shape
}

// id turns an article number into an opaque id that does not give away
// the order; mix64 is a bijection, so ids never collide.
func (g *generator) id(n int) string {
	return fmt.Sprintf("%016x", mix64(uint64(n)^g.idKey))
}

// mix64 is the SplitMix64 finalizer, a bijection on uint64.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
