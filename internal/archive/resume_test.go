package archive

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// mixedLines has records, blank lines, rejects and a last line without a line end.
func mixedLines() string {
	var b strings.Builder
	for i := range 12 {
		switch i % 4 {
		case 1:
			b.WriteString("\n")
		case 2:
			b.WriteString(`{"id":"bad",` + "\n")
		}
		fmt.Fprintf(&b, `{"id":"d%d","text":"body %d %s"}`+"\n", i, i, strings.Repeat("x", i*7))
	}
	b.WriteString(`{"id":"last","text":"no line end"}`)
	return b.String()
}

const csvMultiline = "id,text\n" +
	"1,\"one\nspans\nthree\"\n" +
	"2,two\n" +
	"3,\"bad\"x\n" +
	"4,\"four\r\nwith crlf\"\r\n" +
	"5,five\n"

func TestResume(t *testing.T) {
	dir := t.TempDir()
	ninjs := Options{ParseNinjs: fakeNinjs}
	tests := []struct {
		name  string
		input string
		opts  Options
	}{
		{name: "jsonl", input: writeFile(t, filepath.Join(dir, "m.jsonl"), []byte(mixedLines()))},
		{name: "jsonl gzip", input: writeFile(t, filepath.Join(dir, "m.jsonl.gz"), gzipped(t, []byte(mixedLines())))},
		{name: "csv", input: writeFile(t, filepath.Join(dir, "m.csv"), []byte(csvMultiline))},
		{name: "csv gzip", input: writeFile(t, filepath.Join(dir, "m.csv.gz"), gzipped(t, []byte(csvMultiline)))},
		{name: "ninjs", input: writeFile(t, filepath.Join(dir, "m.ninjs"), []byte(ninjsLines+ninjsLines)), opts: ninjs},
		{name: "tree", input: writeTree(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := readInput(t, tt.input, tt.opts)
			if len(all) < 4 {
				t.Fatalf("only %d items", len(all))
			}
			for i, it := range all {
				opts := tt.opts
				opts.After = &it.Pos
				rest := readInput(t, tt.input, opts)
				if diff := cmp.Diff(all[i+1:], rest, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("after item %d at %+v (-want +got):\n%s", i, it.Pos, diff)
				}
			}
		})
	}
}

func TestResumeErrors(t *testing.T) {
	dir := t.TempDir()
	plain := writeFile(t, filepath.Join(dir, "a.jsonl"), []byte(apiLines))
	gz := writeFile(t, filepath.Join(dir, "a.jsonl.gz"), gzipped(t, []byte(apiLines)))
	tree := writeTree(t)
	tests := []struct {
		name  string
		input string
		after Position
	}{
		{name: "mid-line", input: plain, after: Position{Input: plain, File: plain, Line: 1, Offset: 5}},
		{name: "past the end", input: plain, after: Position{Input: plain, File: plain, Line: 9, Offset: 1 << 20}},
		{name: "gzip mid-line", input: gz, after: Position{Input: gz, File: gz, Line: 1, Offset: 5}},
		{name: "gzip past the end", input: gz, after: Position{Input: gz, File: gz, Line: 9, Offset: 1 << 20}},
		{name: "another input", input: plain, after: Position{Input: gz, File: gz, Line: 1, Offset: 10}},
		{name: "file outside the tree", input: tree, after: Position{Input: tree, File: plain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r, err := Open(tt.input, Options{After: &tt.after}); err == nil {
				r.Close()
				t.Errorf("Open after %+v succeeded", tt.after)
			}
		})
	}
}

// TestResumeDeletedFile resumes a tree whose checkpointed file is gone:
// walk order still places the resume point.
func TestResumeDeletedFile(t *testing.T) {
	root := writeTree(t)
	after := Position{Input: root, File: filepath.Join(root, "a", "bb.html")} // never existed
	got := readInput(t, root, Options{After: &after})
	if len(got) != 4 || got[0].In.ExternalID != "a/c.txt" {
		t.Errorf("after a/bb.html got %+v, want a/c.txt first of 4", got)
	}
}

func TestLongLines(t *testing.T) {
	big := strings.Repeat("word ", (3<<20)/5)    // 3 MiB: over the default limit
	fits := strings.Repeat("word ", (3<<19)/5-5) // 1.5 MiB: several read buffers
	data := `{"id":"big","text":"` + big + "\"}\n" +
		`{"id":"fits","text":"` + fits + "\"}\n" +
		`{"id":"after","text":"short"}` + "\n"
	for _, name := range []string{"long.jsonl", "long.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			content := []byte(data)
			if strings.HasSuffix(name, ".gz") {
				content = gzipped(t, content)
			}
			path := writeFile(t, filepath.Join(t.TempDir(), name), content)
			items := readInput(t, path, Options{})
			if len(items) != 3 || items[0].Reason != ReasonOversize {
				t.Fatalf("got %d items, first %q; want an oversize reject then two records", len(items), items[0].Reason)
			}
			if items[1].In.Body != fits || items[2].In.ExternalID != "after" {
				t.Errorf("records after the long line are wrong: %q, %q", items[1].In.ExternalID, items[2].In.ExternalID)
			}
			if items[2].Pos.Line != 3 || items[2].Pos.Offset != int64(len(data)) {
				t.Errorf("last position = %+v, want line 3 offset %d", items[2].Pos, len(data))
			}
		})
	}
}
