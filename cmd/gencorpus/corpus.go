package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// corpusWeights are the shares of base articles drawn from each real
// corpus under -corpora: Reuters wire copy dominates as in a wire archive,
// with longer BBC features and raw scraped pages (boilerplate and all)
// from the Helsinki summit set.
var corpusWeights = []struct {
	dir    string
	weight float64
}{
	{"reuters21578", 0.55},
	{"bbc_news", 0.35},
	{"helsinki", 0.10},
}

// minGroupDocs is the smallest topic group kept; smaller topics join their
// corpus's catch-all group, so that recombined articles have enough choice.
const minGroupDocs = 20

// maxParagraphs caps the paragraphs kept of a real article: a few
// scraped pages run to hundreds of lines.
const maxParagraphs = 40

// baseDoc is a real article split into paragraphs of sentences.
type baseDoc struct {
	title  string
	source string
	group  int
	paras  [][]string
}

// corpus is one real corpus, indexed for recombination.
type corpus struct {
	name   string
	weight float64 // cumulative, over all corpora
	docs   []baseDoc
	groups [][]int32 // doc indexes of each topic group
}

// realDoc is a line of a real corpus's docs.jsonl.
type realDoc struct {
	Title    string   `json:"title"`
	Text     string   `json:"text"`
	Source   string   `json:"source"`
	Topics   []string `json:"topics"`
	Category string   `json:"category"`
}

// loadCorpora reads the corpora under dir that exist; it fails if none does.
func loadCorpora(dir string) ([]*corpus, error) {
	var out []*corpus
	total := 0.0
	for _, cw := range corpusWeights {
		c, err := loadCorpus(filepath.Join(dir, cw.dir, "docs.jsonl"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		total += cw.weight
		c.name, c.weight = cw.dir, total
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no corpus found under %s (want reuters21578, bbc_news or helsinki with docs.jsonl)", dir)
	}
	for _, c := range out {
		c.weight /= total
	}
	return out, nil
}

func loadCorpus(path string) (*corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	c := &corpus{}
	groupOf := map[string][]int32{}
	var keys []string
	for sc.Scan() {
		var d realDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		paras := splitDoc(d.Text)
		if len(paras) == 0 {
			continue // Reuters has title-only briefs
		}
		key := d.Category
		if len(d.Topics) > 0 {
			key = d.Topics[0]
		}
		if _, seen := groupOf[key]; !seen {
			keys = append(keys, key)
		}
		groupOf[key] = append(groupOf[key], int32(len(c.docs)))
		c.docs = append(c.docs, baseDoc{title: d.Title, source: d.Source, paras: paras})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.setGroups(keys, groupOf)
	return c, nil
}

// setGroups numbers the topic groups in the order their first document
// appears (map order is random, and the output must not be).
func (c *corpus) setGroups(keys []string, groupOf map[string][]int32) {
	var small []int32
	for _, key := range keys {
		if ids := groupOf[key]; len(ids) >= minGroupDocs {
			c.groups = append(c.groups, ids)
		} else {
			small = append(small, ids...)
		}
	}
	if len(small) > 0 {
		c.groups = append(c.groups, small)
	}
	for g, ids := range c.groups {
		for _, id := range ids {
			c.docs[id].group = g
		}
	}
}

// pick draws a corpus by weight.
func pick(r *rand.Rand, corpora []*corpus) *corpus {
	u := r.Float64()
	for _, c := range corpora {
		if u < c.weight {
			return c
		}
	}
	return corpora[len(corpora)-1]
}

// splitDoc splits a text into paragraphs of sentences. A paragraph ends
// at a blank line or before an indented line (Reuters indents paragraphs);
// hard line wraps inside a paragraph become spaces.
func splitDoc(text string) [][]string {
	var paras [][]string
	var cur []string
	flush := func() {
		if len(cur) > 0 && len(paras) < maxParagraphs {
			paras = append(paras, splitSentences(strings.Join(cur, " ")))
		}
		cur = cur[:0]
	}
	for line := range strings.Lines(text) {
		t := strings.TrimSpace(line)
		if t == "" || line[0] == ' ' || line[0] == '\t' {
			flush()
		}
		if t != "" {
			cur = append(cur, t)
		}
	}
	flush()
	return paras
}

// splitSentences splits a paragraph after ".", "!" or "?" (and any closing
// quote or bracket) followed by a space and a capital or an opening quote,
// unless the word before looks like an abbreviation ("Mr.", "U.S.").
func splitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if c := p[i]; c != '.' && c != '!' && c != '?' {
			continue
		}
		end := i + 1
		for end < len(p) && strings.IndexByte(`"')]`, p[end]) >= 0 {
			end++
		}
		if end+1 >= len(p) || p[end] != ' ' || !startsSentence(p[end+1:]) || (p[i] == '.' && abbreviation(p[start:i])) {
			continue
		}
		out = append(out, p[start:end])
		start = end + 1
	}
	return append(out, p[start:])
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || strings.ContainsRune(`"“‘(`, r)
}

// abbreviations are words that end in a period without ending a sentence.
var abbreviations = map[string]bool{
	"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "St": true, "Jr": true, "Sr": true, "Co": true,
	"Inc": true, "Ltd": true, "Corp": true, "No": true, "Gen": true, "Sen": true, "Rep": true, "Gov": true,
	"Jan": true, "Feb": true, "Aug": true, "Sept": true, "Oct": true, "Nov": true, "Dec": true, "vs": true,
}

// abbreviation reports whether the text before a period ends in an
// abbreviation: a known one, an initial or a dotted word ("U.S").
func abbreviation(before string) bool {
	word := before[strings.LastIndexByte(before, ' ')+1:]
	r, n := utf8.DecodeRuneInString(word)
	return abbreviations[word] || strings.Contains(word, ".") || (n == len(word) && unicode.IsUpper(r))
}
