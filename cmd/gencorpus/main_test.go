package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdedup/newsdedup/internal/archive"
)

// writeTestCorpora writes two small corpora in the real layout.
func writeTestCorpora(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	words := strings.Fields("market shares rose fell company said government bank year oil price talks deal profit " +
		"minister election team match film police court trade growth economy plan report week")
	for _, name := range []string{"reuters21578", "bbc_news"} {
		var b bytes.Buffer
		for i := range 60 {
			var paras []string
			for p := range 2 + i%5 {
				var sentences []string
				for s := range 1 + (i+p)%3 {
					w := func(k int) string { return words[(i*7+p*3+s*5+k)%len(words)] }
					sentences = append(sentences, fmt.Sprintf("The %s %s %d %s in 1987.", w(0), w(1), i*10+p, w(2)))
				}
				paras = append(paras, strings.Join(sentences, " "))
			}
			line, _ := json.Marshal(map[string]any{
				"id": fmt.Sprintf("%s-%d", name, i), "title": fmt.Sprintf("Story %d of %s", i, name),
				"text": strings.Join(paras, "\n\n"), "source": name, "topics": []string{words[i%3]}, "category": words[i%4],
			})
			b.Write(append(line, '\n'))
		}
		b.WriteString(`{"id":"empty","title":"Title only","text":"","source":"x"}` + "\n")
		path := filepath.Join(dir, name, "docs.jsonl")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func noEnv(string) string { return "" }

// runGen runs gencorpus with args and returns stdout.
func runGen(tb testing.TB, args ...string) []byte {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, noEnv, &stdout, &stderr); err != nil {
		tb.Fatalf("run %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

func TestDeterministic(t *testing.T) {
	corpora := writeTestCorpora(t)
	dir := t.TempDir()
	out := func(name, seed string) []byte {
		path := filepath.Join(dir, name)
		runGen(t, "-corpora", corpora, "-n", "400", "-seed", seed, "-out", path, "-pairs", path+".tsv")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, name := range []string{"c.jsonl", "c.jsonl.gz"} {
		a, b := out("a-"+name, "7"), out("b-"+name, "7")
		if !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: two runs with seed 7 differ (%d and %d bytes)", name, len(a), len(b))
		}
		if bytes.Equal(a, out("other-"+name, "8")) {
			t.Errorf("%s: seeds 7 and 8 gave the same output", name)
		}
	}
	stdout := runGen(t, "-corpora", corpora, "-n", "400", "-seed", "7")
	if !bytes.Equal(stdout, out("again.jsonl", "7")) {
		t.Error("stdout differs from the file output")
	}
}

func TestOutput(t *testing.T) {
	corpora := writeTestCorpora(t)
	dir := t.TempDir()
	out, pairs := filepath.Join(dir, "docs.jsonl.gz"), filepath.Join(dir, "pairs.tsv")
	const n = 2000
	runGen(t, "-corpora", corpora, "-n", fmt.Sprint(n), "-dup-rate", "0.4", "-window", "50", "-out", out, "-pairs", pairs)
	order := readCorpus(t, out)
	if len(order) != n {
		t.Fatalf("read %d articles, want %d", len(order), n)
	}
	counts := checkPairs(t, pairs, order)
	dups := counts[relCopy] + counts[relRewrite] + counts[relPartial]
	if dups < n*35/100 || dups > n*45/100 || counts[relCopy] == 0 || counts[relRewrite] == 0 || counts[relPartial] == 0 {
		t.Errorf("near-duplicates by relation %v, want about 40%% of %d with every kind", counts, n)
	}
}

// readCorpus reads a generated corpus with the backfill reader and returns
// each id's position in the file; it fails on any reject or repeated id.
func readCorpus(tb testing.TB, path string) map[string]int {
	tb.Helper()
	r, err := archive.Open(path, archive.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	order := make(map[string]int)
	last := ""
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return order
		}
		if err != nil {
			tb.Fatalf("article %d: %v", len(order)+1, err)
		}
		in := rec.Input
		if _, dup := order[in.ExternalID]; dup || in.Source == "" || in.PublishedAt.IsZero() {
			tb.Fatalf("%v: repeated id, no source or no date: %+v", rec.Pos, in)
		}
		if p := in.PublishedAt.Format("2006-01-02T15:04:05"); p < last {
			tb.Fatalf("%v: published %s before the previous %s", rec.Pos, p, last)
		} else {
			last = p
		}
		order[in.ExternalID] = len(order)
	}
}

// checkPairs checks that every pair links an earlier article to a later one.
func checkPairs(tb testing.TB, path string, order map[string]int) map[string]int {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	counts := make(map[string]int)
	for sc.Scan() {
		a, b, rel := splitPair(sc.Text())
		if a == "id_a" {
			continue
		}
		ia, okA := order[a]
		ib, okB := order[b]
		if !okA || !okB || ia >= ib {
			tb.Fatalf("pair %q: not an earlier article and a later one", sc.Text())
		}
		counts[rel]++
	}
	return counts
}

func splitPair(line string) (a, b, rel string) {
	f := strings.Split(line, "\t")
	if len(f) != 3 {
		return "", "", ""
	}
	return f[0], f[1], f[2]
}

func TestRealCorpora(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpora missing at %s (CI=true): %v", dir, err)
		}
		t.Skipf("shared corpora not found at %s; they sit next to the repository", dir)
	}
	a := runGen(t, "-corpora", dir, "-n", "300", "-seed", "42")
	b := runGen(t, "-corpora", dir, "-n", "300", "-seed", "42")
	if !bytes.Equal(a, b) || bytes.Count(a, []byte("\n")) != 300 {
		t.Errorf("two runs differ or are not 300 lines (%d and %d bytes)", len(a), len(b))
	}
}

func TestConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr bool
	}{
		{name: "defaults", want: Config{N: 1000, Seed: 1, Out: "-", DupRate: 0.3, Window: 10000, Corpora: "../shared/corpora", Bases: basesRecombined}},
		{name: "env", env: map[string]string{"DEDUP_GEN_N": "5", "DEDUP_GEN_DUP_RATE": "0.5", "DEDUP_CORPORA_DIR": "/c"},
			want: Config{N: 5, Seed: 1, Out: "-", DupRate: 0.5, Window: 10000, Corpora: "/c", Bases: basesRecombined}},
		{name: "flag over env", args: []string{"-n", "9", "-seed", "3", "-out", "x.gz"}, env: map[string]string{"DEDUP_GEN_N": "5"},
			want: Config{N: 9, Seed: 3, Out: "x.gz", DupRate: 0.3, Window: 10000, Corpora: "../shared/corpora", Bases: basesRecombined}},
		{name: "real bases", args: []string{"-bases", "real"},
			want: Config{N: 1000, Seed: 1, Out: "-", DupRate: 0.3, Window: 10000, Corpora: "../shared/corpora", Bases: basesReal}},
		{name: "bad bases", args: []string{"-bases", "spliced"}, wantErr: true},
		{name: "bad env", env: map[string]string{"DEDUP_GEN_N": "many"}, wantErr: true},
		{name: "bad dup rate", args: []string{"-dup-rate", "1"}, wantErr: true},
		{name: "negative n", args: []string{"-n", "-1"}, wantErr: true},
		{name: "extra argument", args: []string{"out.jsonl"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := parseConfig([]string{"-h"}, noEnv, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
}

func TestMissingCorpora(t *testing.T) {
	err := run(context.Background(), []string{"-corpora", t.TempDir(), "-n", "1"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no corpus") {
		t.Errorf("err = %v, want no corpus found", err)
	}
}

// BenchmarkGenerate measures generation and encoding, without compression,
// over the real corpora.
func BenchmarkGenerate(b *testing.B) {
	corpora, err := loadCorpora(filepath.Join("..", "..", "..", "shared", "corpora"))
	if err != nil {
		b.Skip(err)
	}
	g := newGenerator(corpora, 1, 0.3, 10000)
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := encodeBatch(g, batchSize, &buf, nil); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}
