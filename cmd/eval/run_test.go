package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The texts below were written for this test.
const (
	harbourStory = `The city council voted on Tuesday to close the old harbour bridge to cars from the first of March, after engineers found that two of its steel supports had rusted through in places.

Pedestrians and cyclists will still be allowed to cross while the repairs go on, the council said in a statement, and a ferry will run every twenty minutes between the two banks during the morning and evening rush.

The mayor said the work would take at least eighteen months and cost the city more than it had set aside for all of its roads this year. Shop owners near the bridge said they feared losing customers who drive in from the villages to the north.

Engineers first raised concerns about the bridge two years ago, when a routine inspection found cracks in the paint around the supports.`

	// harbourCopy is a site's copy: its own dateline and credit, the last
	// paragraph cut.
	harbourCopy = `PORTSMOUTH (Coastal Wire) - The city council voted on Tuesday to close the old harbour bridge to cars from the first of March, after engineers found that two of its steel supports had rusted through in places.

Pedestrians and cyclists will still be allowed to cross while the repairs go on, the council said in a statement, and a ferry will run every twenty minutes between the two banks during the morning and evening rush.

The mayor said the work would take at least eighteen months and cost the city more than it had set aside for all of its roads this year. Shop owners near the bridge said they feared losing customers who drive in from the villages to the north.

(Reporting by A. Writer; Editing by B. Editor)`

	orchardStory = `A family orchard in the hills has won the regional prize for its cider for the third year running, beating more than forty other growers at the autumn fair.

The judges praised its balance of sweet and sharp apples, picked by hand from trees that the grandfather of the present owner planted after the war. The family sells most of what it makes at a farm shop and a weekly market in town.

This year's harvest was smaller than usual after a late frost in April, the owner said, so the prize-winning cider is likely to sell out before Christmas.`
)

// writeBench writes a benchmark folder holding docs as docs.jsonl.
func writeBench(t *testing.T, docs []doc) string {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "docs.jsonl"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readTSV reads a predictions file, header first.
func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

// predictions runs eval on bench and returns each id's cluster and the
// links as "a b relation" (ids in the order eval wrote them).
func predictions(t *testing.T, bench string) (clusters map[string]string, links []string, stdout string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "pred")
	var so, se bytes.Buffer
	if err := run(context.Background(), []string{"-bench", bench, "-out", out}, os.Getenv, &so, &se); err != nil {
		t.Fatalf("eval: %v\n%s", err, se.String())
	}
	rows := readTSV(t, filepath.Join(out, "clusters.tsv"))
	if !slices.Equal(rows[0], []string{"id", "cluster"}) {
		t.Fatalf("clusters.tsv header = %q", rows[0])
	}
	clusters = map[string]string{}
	for _, r := range rows[1:] {
		if len(r) != 2 {
			t.Fatalf("clusters.tsv row %q", r)
		}
		clusters[r[0]] = r[1]
	}
	rows = readTSV(t, filepath.Join(out, "links.tsv"))
	if !slices.Equal(rows[0], []string{"id_a", "id_b", "relation"}) {
		t.Fatalf("links.tsv header = %q", rows[0])
	}
	for _, r := range rows[1:] {
		if len(r) != 3 {
			t.Fatalf("links.tsv row %q", r)
		}
		links = append(links, strings.Join(r, " "))
	}
	return clusters, links, so.String()
}

func TestRunWritesPredictions(t *testing.T) {
	bench := writeBench(t, []doc{
		{ID: "bridge", Title: "Harbour bridge to close to cars", Text: harbourStory, Source: "city", Published: "2026-03-01T09:00:00Z"},
		{ID: "cider", Title: "Orchard wins cider prize again", Text: orchardStory, Source: "county"},
		{ID: "bridge-copy", Title: "Council shuts harbour bridge", Text: harbourCopy, Source: "wire", Published: "2026-03-01T11:30:00Z"},
		{ID: "empty", Title: "Nothing here", Text: "", Source: "wire"},
	})
	clusters, links, stdout := predictions(t, bench)
	if len(clusters) != 3 {
		t.Errorf("clusters.tsv lists %d articles, want the 3 accepted: %v", len(clusters), clusters)
	}
	if clusters["bridge"] == "" || clusters["bridge"] != clusters["bridge-copy"] {
		t.Errorf("the copy is not in its original's cluster: %v", clusters)
	}
	if clusters["cider"] == "" || clusters["cider"] == clusters["bridge"] {
		t.Errorf("the unrelated story shares a cluster: %v", clusters)
	}
	if !slices.Equal(links, []string{"bridge-copy bridge copy"}) {
		t.Errorf("links = %q, want only the copy's link to its original", links)
	}
	for _, want := range []string{"cluster sizes: 1:1 2:1\n", "ingested 4 docs (1 rejected)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output %q lacks %q", stdout, want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "docs.jsonl"), []byte("{\"id\": \"a\", \"text\": \"x\"}\n{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", nil, "-bench and -out are required"},
		{"no docs", []string{"-bench", t.TempDir(), "-out", t.TempDir()}, "docs.jsonl"},
		{"bad line", []string{"-bench", bad, "-out", t.TempDir()}, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tt.args, os.Getenv, &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestRunSeeds runs the seed benchmark of ../shared/eval and checks what
// the issue asks of it: 001 and 003 in one cluster, 004 linked to them as
// partial and in no cluster with them, 000 and 002 linked to nothing.
func TestRunSeeds(t *testing.T) {
	bench := filepath.Join("..", "..", "..", "shared", "eval", "seeds")
	if _, err := os.Stat(filepath.Join(bench, "docs.jsonl")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs ../shared beside the repository: %v", err)
		}
		t.Skipf("no seed benchmark (%v): ../shared is not beside the repository", err)
	}
	clusters, links, _ := predictions(t, bench)
	id := func(prefix string) string {
		t.Helper()
		for k := range clusters {
			if strings.HasPrefix(k, prefix) {
				return k
			}
		}
		t.Fatalf("no seed %s among %v", prefix, clusters)
		return ""
	}
	s0, s1, s2, s3, s4 := id("000"), id("001"), id("002"), id("003"), id("004")
	if clusters[s1] != clusters[s3] {
		t.Errorf("001 and 003 are in clusters %s and %s", clusters[s1], clusters[s3])
	}
	if clusters[s4] == clusters[s1] {
		t.Errorf("004 is in 001's cluster %s", clusters[s1])
	}
	partial := 0
	for _, l := range links {
		f := strings.Fields(l)
		if slices.Contains(f[:2], s0) || slices.Contains(f[:2], s2) {
			t.Errorf("independent coverage linked: %s", l)
		}
		if slices.Contains(f[:2], s4) && (slices.Contains(f[:2], s1) || slices.Contains(f[:2], s3)) && f[2] == "partial" {
			partial++
		}
	}
	if partial != 2 {
		t.Errorf("004 has %d partial links to 001 and 003, want 2; links %q", partial, links)
	}
}
