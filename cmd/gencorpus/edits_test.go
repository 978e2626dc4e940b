package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{`He said "yes." Then left.`, []string{`He said "yes."`, "Then left."}},
		{"Mr. Smith met U.S. officials. Then", []string{"Mr. Smith met U.S. officials.", "Then"}},
		{"Rates rose 5.3 pct. Prices fell.", []string{"Rates rose 5.3 pct.", "Prices fell."}},
		{"no capital. after", []string{"no capital. after"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitSentences(tt.in)); diff != "" {
			t.Errorf("splitSentences(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitDoc(t *testing.T) {
	reuters := "Showers continued in\nthe Bahia zone. Rain fell.\n    The dry period\nmeans delays.\n REUTER\n"
	want := [][]string{{"Showers continued in the Bahia zone.", "Rain fell."}, {"The dry period means delays."}, {"REUTER"}}
	if diff := cmp.Diff(want, splitDoc(reuters)); diff != "" {
		t.Errorf("reuters (-want +got):\n%s", diff)
	}
	bbc := "First para. Second sentence.\n\nSecond para.\n\n\n"
	if diff := cmp.Diff([][]string{{"First para.", "Second sentence."}, {"Second para."}}, splitDoc(bbc)); diff != "" {
		t.Errorf("bbc (-want +got):\n%s", diff)
	}
}

func TestSplice(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"Profits rose sharply, the company said.", "Talks ended early, officials said on Friday.", "Profits rose sharply, officials said on Friday."},
		{"The dollar rose to a record against the yen.", "Gold prices fell in London trading today.", "The dollar rose in London trading today."},
		{"Nothingtocuthere.", "Talks ended early, officials said.", "Nothingtocuthere."},
		{"Short, a", "Talks ended early, officials said.", "Short, a"},
	}
	for _, tt := range tests {
		if got := splice(tt.a, tt.b); got != tt.want {
			t.Errorf("splice(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTextEdits(t *testing.T) {
	g := &generator{r: rand.New(rand.NewPCG(1, 2)), thesaurus: newThesaurus()}
	if got := g.spin("The company SAID: prices rose — “naïve”.", 1); strings.Contains(got, "company") ||
		strings.Contains(got, "SAID") || !strings.Contains(got, "— “naïve”.") || !strings.HasPrefix(got, "The ") {
		t.Errorf("spin = %q, want every thesaurus word replaced and the rest kept", got)
	}
	if got := g.spin("The company said", 0); got != "The company said" {
		t.Errorf("spin with p=0 changed %q", got)
	}
	for range 20 {
		got := g.perturbNumbers("In 1987 and 2004 it made 15,221 bags, 0.5 pct")
		if !strings.Contains(got, "In 1987 and 2004") || len(got) != len("In 1987 and 2004 it made 15,221 bags, 0.5 pct") {
			t.Fatalf("perturbNumbers = %q: years must stay and lengths hold", got)
		}
	}
	cases := map[[2]string]string{{"SAID", "stated"}: "STATED", {"Said", "stated"}: "Stated", {"said", "stated"}: "stated"}
	for in, want := range cases {
		if got := matchCase(in[0], in[1]); got != want {
			t.Errorf("matchCase(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
	if got := titleCase("BAHIA COCOA REVIEW"); got != "Bahia Cocoa Review" {
		t.Errorf("titleCase = %q", got)
	}
	if got := swapQuotes([]string{`He said "yes" and 'no'`}); got[0] != "He said “yes” and ‘no’" {
		t.Errorf("swapQuotes = %q", got[0])
	}
}

func TestIDsUnique(t *testing.T) {
	g := &generator{idKey: mix64(99)}
	seen := make(map[string]bool)
	for n := range 50000 {
		id := g.id(n)
		if seen[id] || len(id) != 16 {
			t.Fatalf("id %d = %q repeats or is not 16 hex digits", n, id)
		}
		seen[id] = true
	}
}

func TestCanceledRunLeavesNoFile(t *testing.T) {
	corpora := writeTestCorpora(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	args := []string{"-corpora", corpora, "-n", "10000", "-out", filepath.Join(dir, "c.jsonl.gz")}
	if err := run(ctx, args, noEnv, nil, &strings.Builder{}); err == nil {
		t.Fatal("a canceled run succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a canceled run left %v", entries)
	}
}
