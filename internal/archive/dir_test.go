package archive

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

// writeTree writes a small tree of articles and returns its root, named "desk".
func writeTree(tb testing.TB) string {
	tb.Helper()
	root := filepath.Join(tb.TempDir(), "desk")
	files := map[string][]byte{
		"a.txt":               []byte("\n\n  First title  \nBody of a.\n"),
		"a/b.html":            []byte("<html><head><title> The\n B page </title></head><body><p>B body</p></body></html>"),
		"a/c.txt.gz":          gzipped(tb, []byte("C title\nC body\n")),
		"a/z/deep.htm":        []byte("<p>no title here</p>"),
		"b.txt":               []byte("   \n\t\n"), // missing body
		"notes.md":            []byte("not an article"),
		".hidden/x.txt":       []byte("hidden"),
		"a/.DS_Store":         []byte("junk"),
		"a/z/unrelated.jpeg":  []byte("\xff\xd8"),
		"a/z/../../.keep.txt": []byte("hidden too"),
	}
	for name, data := range files {
		writeFile(tb, filepath.Join(root, filepath.FromSlash(name)), data)
	}
	return root
}

func TestDirTree(t *testing.T) {
	root := writeTree(t)
	text, html := dedup.FormatText, dedup.FormatHTML
	want := []item{
		{Pos: Position{Input: root, File: filepath.Join(root, "a", "b.html")},
			In: dedup.ArticleInput{ExternalID: "a/b.html", Title: "The B page", Format: html, Source: "desk",
				Body: "<html><head><title> The\n B page </title></head><body><p>B body</p></body></html>"}},
		{Pos: Position{Input: root, File: filepath.Join(root, "a", "c.txt.gz")},
			In: dedup.ArticleInput{ExternalID: "a/c.txt", Title: "C title", Body: "C title\nC body\n", Format: text, Source: "desk"}},
		{Pos: Position{Input: root, File: filepath.Join(root, "a", "z", "deep.htm")},
			In: dedup.ArticleInput{ExternalID: "a/z/deep.htm", Body: "<p>no title here</p>", Format: html, Source: "desk"}},
		{Pos: Position{Input: root, File: filepath.Join(root, "a.txt")},
			In: dedup.ArticleInput{ExternalID: "a.txt", Title: "First title", Body: "\n\n  First title  \nBody of a.\n", Format: text, Source: "desk"}},
		{Pos: Position{Input: root, File: filepath.Join(root, "b.txt")}, Reason: ReasonMissingBody},
	}
	if diff := cmp.Diff(want, readInput(t, root, Options{})); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	got := readInput(t, root, Options{Source: "override"})
	if got[0].In.Source != "override" {
		t.Errorf("Source = %q, want the caller's", got[0].In.Source)
	}
}

func TestDirUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "x.txt"), []byte("x"))
	if err := os.Chmod(filepath.Join(root, "x.txt"), 0); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Reason{ReasonUnreadable}, reasons(readInput(t, root, Options{}))); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
}

func TestWalkLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"a/b", "a.txt", true}, // the directory "a" sorts before "a.txt"
		{"a.txt", "a/b", false},
		{"a", "a/b", true},
		{"a/b", "a", false},
		{"a/b", "a/b", false},
		{"a/b/c", "a/c", true},
		{"b", "a/z", false},
	}
	for _, tt := range tests {
		if got := walkLess(tt.a, tt.b); got != tt.want {
			t.Errorf("walkLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
