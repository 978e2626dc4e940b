package main

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeCorpus(t *testing.T, name string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		b.WriteString(`{"id":"d` + string(rune('0'+i)) + `","text":"t"}` + "\n\n")
	}
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(name, ".gz") {
		zw := gzip.NewWriter(f)
		defer zw.Close()
		_, err = zw.Write([]byte(b.String()))
	} else {
		_, err = f.WriteString(b.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func ids(docs []doc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func TestCorpusReader(t *testing.T) {
	for _, name := range []string{"c.jsonl", "c.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			c, err := openCorpus(writeCorpus(t, name, 6))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			a, err := c.take(2)
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.take(2)
			if err != nil {
				t.Fatal(err)
			}
			c.putBack(b)
			rest, err := c.take(4)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"d0", "d1", "d2", "d3", "d4", "d5"}, append(ids(a), ids(rest)...)); diff != "" {
				t.Errorf("docs (-want +got):\n%s", diff)
			}
			if _, err := c.take(1); !errors.Is(err, errCorpusShort) {
				t.Errorf("take past the end: %v, want errCorpusShort", err)
			}
		})
	}
}

func TestReadDocsLimit(t *testing.T) {
	path := writeCorpus(t, "c.jsonl", 5)
	for limit, want := range map[int]int{0: 5, 3: 3, 9: 5} {
		docs, err := readDocs(path, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != want {
			t.Errorf("limit %d: %d docs, want %d", limit, len(docs), want)
		}
	}
}

func TestCorpusSkip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	// Blank lines are not docs, and a skipped line is not decoded.
	body := "{\"id\":\"d0\"}\n\nnot json\n{\"id\":\"d2\"}\n\n{\"id\":\"d3\"}\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := openCorpus(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, err := c.take(1)
	if err != nil {
		t.Fatal(err)
	}
	c.putBack(first)
	// The doc put back counts first, then "not json" and d2.
	if err := c.skip(3); err != nil {
		t.Fatal(err)
	}
	rest, err := c.take(1)
	if err != nil || ids(rest)[0] != "d3" {
		t.Fatalf("after skip(3): %v, %v; want d3", ids(rest), err)
	}
	if err := c.skip(1); !errors.Is(err, io.EOF) {
		t.Errorf("skip past the end: %v, want io.EOF", err)
	}
}
