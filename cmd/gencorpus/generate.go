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

// keepLede is the chance that a base article keeps its template's first
// sentence, so that a headline sometimes matches its lede.
const keepLede = 0.25

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
	idKey     uint64
	counts    map[string]int // by relation, "base" for base articles
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
func (g *generator) next() (*article, *link) {
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
	if len(g.recent) < g.window {
		g.recent = append(g.recent, a)
	} else {
		g.recent[g.n%g.window] = a
	}
	g.n++
	return a, l
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
// paragraph and sentence shape of a template article, filled with
// sentences drawn from the same places (lede, body, ending) of other
// articles on its topic, with numbers changed. Two base articles share a
// sentence now and then, as stories on one topic do, but little more.
func (g *generator) base() *article {
	c := pick(g.r, g.corpora)
	tmpl := &c.docs[g.r.IntN(len(c.docs))]
	group := c.groups[tmpl.group]
	paras := make([]string, len(tmpl.paras))
	var sb strings.Builder
	for k, p := range tmpl.paras {
		sb.Reset()
		for j := range p {
			s := p[0]
			if k != 0 || j != 0 || g.r.Float64() >= keepLede {
				other := &c.docs[group[g.r.IntN(len(group))]]
				op := other.paras[k*len(other.paras)/len(tmpl.paras)] // the same relative place
				s = op[g.r.IntN(len(op))]
			}
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(g.perturbNumbers(s))
		}
		paras[k] = sb.String()
	}
	return &article{title: g.perturbNumbers(tmpl.title), source: tmpl.source, paras: paras}
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
