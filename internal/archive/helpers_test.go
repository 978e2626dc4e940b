package archive

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// item is a record or a reject, as a test compares them.
type item struct {
	Pos    Position
	In     dedup.ArticleInput
	Reason Reason
}

// readItems reads r to the end.
func readItems(tb testing.TB, next func() (Record, error)) []item {
	tb.Helper()
	var items []item
	for {
		rec, err := next()
		var rej *RejectError
		switch {
		case errors.Is(err, io.EOF):
			return items
		case errors.As(err, &rej):
			items = append(items, item{Pos: rej.Pos, Reason: rej.Reason})
		case err != nil:
			tb.Fatalf("Next: %v", err)
		default:
			items = append(items, item{Pos: rec.Pos, In: rec.Input})
		}
	}
}

// readInput opens input and reads it to the end.
func readInput(tb testing.TB, input string, opts Options) []item {
	tb.Helper()
	r, err := Open(input, opts)
	if err != nil {
		tb.Fatalf("Open(%s): %v", input, err)
	}
	defer r.Close()
	return readItems(tb, r.Next)
}

func writeFile(tb testing.TB, path string, data []byte) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func gzipped(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// inputs and reasons of items, for comparisons that ignore positions.
func articles(items []item) []dedup.ArticleInput {
	var out []dedup.ArticleInput
	for _, it := range items {
		if it.Reason == "" {
			out = append(out, it.In)
		}
	}
	return out
}

func reasons(items []item) []Reason {
	var out []Reason
	for _, it := range items {
		if it.Reason != "" {
			out = append(out, it.Reason)
		}
	}
	return out
}

// fakeNinjs is a caller's own ParseNinjs, to test the hook: it takes
// "uri", "headline", "body_text" and "version".
func fakeNinjs(doc []byte) (dedup.ArticleInput, error) {
	var d struct {
		URI      string `json:"uri"`
		Headline string `json:"headline"`
		Body     string `json:"body_text"`
		Version  int64  `json:"version"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return dedup.ArticleInput{}, err
	}
	return dedup.ArticleInput{ExternalID: d.URI, Title: d.Headline, Body: d.Body, Version: d.Version}, nil
}
