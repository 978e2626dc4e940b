package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSubsetBench(t *testing.T) {
	bench := t.TempDir()
	files := map[string]string{
		"docs.jsonl":   `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n" + `{"id":"c"}` + "\n",
		"pairs.tsv":    "id_a\tid_b\trelation\na\tb\tcopy\na\tc\trewrite\nb\tc\tpartial\n",
		"clusters.tsv": "id\tfamily\na\tf1\nc\tf1\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(bench, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := subsetBench(bench, t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"docs.jsonl":   `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n",
		"pairs.tsv":    "id_a\tid_b\trelation\na\tb\tcopy\n",
		"clusters.tsv": "id\tfamily\na\tf1\n",
	}
	for name, w := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, string(b)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}
