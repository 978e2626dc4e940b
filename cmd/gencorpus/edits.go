package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// outlets republish and rewrite stories. They are invented: the corpus
// must not pass synthetic text off as a real publisher's.
var outlets = []string{
	"Metro Wire", "Daily Courier", "The Morning Ledger", "Capital Tribune", "Harbor News",
	"Valley Times", "North Star Press", "Evening Herald", "Coastal Gazette", "Summit Daily",
	"Lakeside Journal", "Prairie Post", "Union Chronicle", "Riverside Record", "The Citizen Online",
}

var datelineCities = []string{
	"LONDON", "NEW YORK", "WASHINGTON", "TOKYO", "PARIS", "FRANKFURT", "BRUSSELS", "HONG KONG",
	"SYDNEY", "TORONTO", "CHICAGO", "BEIJING", "MOSCOW", "GENEVA", "SINGAPORE",
}

var bylines = []string{"Anna Keller", "David Osei", "Maria Lindqvist", "Tom Hargreaves", "Priya Nair", "Lucas Moreau"}

var leadBoilerplate = []string{"Advertisement", "Share this article", "Listen to this article", "Skip to main content"}

// tailBoilerplate takes the outlet, a byline and a headline.
var tailBoilerplate = []string{
	"(Reporting by %[2]s; Editing by the %[1]s desk)",
	"Copyright 2024 %[1]s. All rights reserved.",
	"Sign up for the %[1]s newsletter to get the day's top stories.",
	"Read more: %[3]s",
	"Follow %[1]s on social media for the latest updates.",
}

var headlinePrefixes = []string{"UPDATE 1-", "UPDATE 2-", "REFILE-", "Breaking: ", "WRAPUP 1-"}

func oneOf(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// copyEdit republishes a story as a syndication partner would: a new
// headline, a dateline or byline, boilerplate at either end, a trimmed
// ending and a few light edits.
func (g *generator) copyEdit(src *article) *article {
	r := g.r
	outlet := oneOf(r, outlets)
	paras := g.trimEnd(src.story)
	for i, p := range paras {
		paras[i] = g.spin(p, 0.03)
	}
	story := append([]string(nil), paras...)
	if r.IntN(2) == 0 && len(paras) > 0 {
		paras[0] = fmt.Sprintf("%s (%s) - %s", oneOf(r, datelineCities), outlet, paras[0])
	} else {
		paras = append([]string{"By " + oneOf(r, bylines) + ", " + outlet}, paras...)
	}
	if r.IntN(3) == 0 {
		paras = append([]string{oneOf(r, leadBoilerplate)}, paras...)
	}
	if r.IntN(2) == 0 {
		other := g.recent[r.IntN(len(g.recent))].title
		paras = append(paras, fmt.Sprintf(oneOf(r, tailBoilerplate), outlet, oneOf(r, bylines), other))
	}
	if r.IntN(2) == 0 {
		paras = swapQuotes(paras)
	}
	return &article{title: g.copyHeadline(src.title, outlet), source: outlet, paras: paras, story: story}
}

// trimEnd copies paras without up to two last paragraphs, keeping at
// least two thirds: a copy cut down to its lede would be a copy of every
// article that reused the lede.
func (g *generator) trimEnd(paras []string) []string {
	drop := min(g.r.IntN(3), len(paras)/3)
	return append([]string(nil), paras[:len(paras)-drop]...)
}

func (g *generator) copyHeadline(title, outlet string) string {
	switch g.r.IntN(5) {
	case 0:
		return oneOf(g.r, headlinePrefixes) + title
	case 1:
		return title + " | " + outlet
	case 2:
		return g.spin(title, 0.5)
	case 3:
		return titleCase(title)
	}
	return title
}

// rewrite spins a story: a share of its thesaurus words replaced, a few
// sentences dropped or swapped, a new headline.
func (g *generator) rewrite(src *article) *article {
	r := g.r
	share := 0.25 + 0.3*r.Float64()
	paras := make([]string, 0, len(src.story))
	for _, p := range src.story {
		sentences := splitSentences(p)
		if len(sentences) > 2 && r.IntN(4) == 0 {
			i := r.IntN(len(sentences))
			sentences = append(sentences[:i:i], sentences[i+1:]...)
		}
		if len(sentences) > 1 && r.IntN(4) == 0 {
			i := r.IntN(len(sentences) - 1)
			sentences[i], sentences[i+1] = sentences[i+1], sentences[i]
		}
		paras = append(paras, g.spin(strings.Join(sentences, " "), share))
	}
	return &article{title: g.spin(src.title, share), source: oneOf(r, outlets), paras: paras}
}

// partial writes a new story that reuses a run of paragraphs from src:
// about a fifth to a third of the new text.
func (g *generator) partial(src *article) *article {
	a := g.base()
	n := max(1, len(src.story)/(3+g.r.IntN(3)))
	from := g.r.IntN(len(src.story) - n + 1)
	at := 1 + g.r.IntN(len(a.paras)) // after the new story's lede
	paras := append([]string(nil), a.paras[:at]...)
	paras = append(paras, src.story[from:from+n]...)
	a.paras = append(paras, a.paras[at:]...)
	a.source = oneOf(g.r, outlets)
	return a
}

// spin replaces each word found in the thesaurus with a synonym with
// probability p, keeping the capitalisation of its first letter. Words are
// runs of ASCII letters, so other bytes (UTF-8 included) pass through.
func (g *generator) spin(s string, p float64) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		word := s[i:j]
		syns := g.thesaurus[strings.ToLower(word)]
		if len(syns) > 0 && g.r.Float64() < p {
			word = matchCase(word, oneOf(g.r, syns))
		}
		b.WriteString(word)
		i = j
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// matchCase gives repl the case of word: all capitals, a capital first
// letter, or lower case.
func matchCase(word, repl string) string {
	switch {
	case len(word) > 1 && strings.ToUpper(word) == word:
		return strings.ToUpper(repl)
	case word[0] >= 'A' && word[0] <= 'Z':
		return strings.ToUpper(repl[:1]) + repl[1:]
	}
	return repl
}

// titleCase turns an all-capitals Reuters headline into title case and
// leaves others alone.
func titleCase(s string) string {
	if strings.ToUpper(s) != s {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

var (
	straightToCurly = strings.NewReplacer(` "`, ` “`, `" `, `” `, ` '`, ` ‘`, `'`, `’`)
	curlyToStraight = strings.NewReplacer(`“`, `"`, `”`, `"`, `‘`, `'`, `’`, `'`)
)

// swapQuotes turns straight quotes curly, or curly ones straight, as
// content systems do when they republish.
func swapQuotes(paras []string) []string {
	rep := straightToCurly
	if strings.ContainsAny(strings.Join(paras, ""), "“”’") {
		rep = curlyToStraight
	}
	for i, p := range paras {
		paras[i] = rep.Replace(p)
	}
	return paras
}

// perturbNumbers replaces the digits of most numbers with random ones, so
// that articles recombined from the same sentences still differ. Years
// (four digits starting 19 or 20) are kept.
func (g *generator) perturbNumbers(s string) string {
	first := strings.IndexAny(s, "0123456789")
	if first < 0 {
		return s
	}
	b := []byte(s)
	for i := first; i < len(b); {
		if b[i] < '0' || b[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		year := j-i == 4 && (s[i:i+2] == "19" || s[i:i+2] == "20")
		if !year && g.r.IntN(2) == 0 {
			for k := i; k < j; k++ {
				lo := byte('0')
				if k == i && j-i > 1 {
					lo = '1' // no leading zero
				}
				b[k] = lo + byte(g.r.IntN(int('9'-lo)+1))
			}
		}
		i = j
	}
	return string(b)
}
