package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDistinctCorpus writes a corpus of n articles of about 100 words,
// no two alike, plus a re-issue of the first under another headline, and
// returns its directory and the texts with paragraphs joined by spaces.
func writeDistinctCorpus(tb testing.TB, n int) (string, map[string]bool) {
	tb.Helper()
	dir := tb.TempDir()
	texts := make(map[string]bool)
	var b strings.Builder
	line := func(title, text string) {
		data, err := json.Marshal(map[string]any{"title": title, "text": text, "source": "Wire", "topics": []string{"t"}})
		if err != nil {
			tb.Fatal(err)
		}
		b.Write(append(data, '\n'))
	}
	var first string
	for i := range n {
		var paras []string
		for p := range 3 {
			var sentences []string
			for s := range 3 {
				k := i*100 + p*10 + s
				sentences = append(sentences, fmt.Sprintf("Officials in town%d said the plan%d for river%d would cost%d more than the budget%d.", k, k, k, k, k))
			}
			paras = append(paras, strings.Join(sentences, " "))
		}
		text := strings.Join(paras, "\n\n")
		line(fmt.Sprintf("Story %d", i), text)
		texts[strings.Join(paras, " ")] = true
		if i == 0 {
			first = text
		}
	}
	line("Corrected: Story 0", first)
	path := filepath.Join(dir, "reuters21578", "docs.jsonl")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir, texts
}

// TestRealBases checks that -bases real uses whole real articles as base
// articles, each at most once and a re-issue of one never beside it, and
// stops with an error when it runs out of them.
func TestRealBases(t *testing.T) {
	const real = 40
	corpora, texts := writeDistinctCorpus(t, real)
	dir := t.TempDir()
	out, pairs := filepath.Join(dir, "docs.jsonl"), filepath.Join(dir, "pairs.tsv")
	runGen(t, "-corpora", corpora, "-bases", "real", "-n", "45", "-dup-rate", "0.3", "-out", out, "-pairs", pairs)

	derived := make(map[string]bool)
	counts := checkPairs(t, pairs, readCorpus(t, out))
	pf, err := os.ReadFile(pairs)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(pf)), "\n")[1:] {
		_, b, _ := splitPair(l)
		derived[b] = true
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	used := make(map[string]int)
	bases := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if derived[d.ID] {
			continue
		}
		bases++
		text := strings.ReplaceAll(d.Text, "\n\n", " ")
		if !texts[text] {
			t.Errorf("base %s is not a real article: %.80q", d.ID, text)
		}
		if used[text]++; used[text] > 1 {
			t.Errorf("real article used twice as a base: %.80q", text)
		}
	}
	if bases == 0 || counts[relCopy]+counts[relRewrite]+counts[relPartial] == 0 {
		t.Fatalf("%d bases and near-duplicates %v, want both", bases, counts)
	}

	err = run(t.Context(), []string{"-corpora", corpora, "-bases", "real", "-n", "200", "-out", filepath.Join(dir, "big.jsonl")}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no more distinct articles") {
		t.Errorf("200 articles from %d real ones: err = %v, want no more distinct articles", real, err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "big.jsonl")); statErr == nil {
		t.Error("a run that ran out of articles left its output file")
	}
}
