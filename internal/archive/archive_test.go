package archive

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

const apiLines = `{"external_id":"a1","url":"https://x.test/1","title":"One","body":"First body.","format":"text","source":"wire","published_at":"2024-03-01T10:00:00+01:00","language":"en","version":2}
{"external_id":7,"body":"<p>Second</p>","format":"html","source":"wire"}
`

const evalLines = "\ufeff" + `{"id": "reuters-1", "title": "COCOA", "text": "Showers continued.", "source": "Reuters", "published": "26-FEB-1987 15:01:01.79"}

{"id": "h0001", "title": null, "text": "Trump plays golf.", "source": "nytimes.com", "published": "2018-07-15T07:54:28-04:00"}` + "\r\n" +
	`{"id": "x", "title": "T", "text": "No date.", "source": "s", "published": "sometime"}`

func wantAPI() []dedup.ArticleInput {
	return []dedup.ArticleInput{
		{ExternalID: "a1", URL: "https://x.test/1", Title: "One", Body: "First body.", Format: dedup.FormatText,
			Source: "wire", PublishedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), Language: "en", Version: 2},
		{ExternalID: "7", Body: "<p>Second</p>", Format: dedup.FormatHTML, Source: "wire"},
	}
}

func wantEval() []dedup.ArticleInput {
	return []dedup.ArticleInput{
		{ExternalID: "reuters-1", Title: "COCOA", Body: "Showers continued.", Format: dedup.FormatText,
			Source: "Reuters", PublishedAt: time.Date(1987, 2, 26, 15, 1, 1, 790000000, time.UTC)},
		{ExternalID: "h0001", Body: "Trump plays golf.", Format: dedup.FormatText,
			Source: "nytimes.com", PublishedAt: time.Date(2018, 7, 15, 11, 54, 28, 0, time.UTC)},
		{ExternalID: "x", Title: "T", Body: "No date.", Format: dedup.FormatText, Source: "s"},
	}
}

const csvDefault = "id,title,text,source,published,version\n" +
	"c1,Plain,Plain body,src,2020-01-02,3\n" +
	"c2,\"Quoted, with comma\",\"Two\nlines with \"\"quotes\"\"\",src,,\n"

const csvMapped = "Story ID;x,Headline,Content\n" + // a header that needs a mapping
	"m1,Mapped,Mapped body\n"

func wantCSV() []dedup.ArticleInput {
	return []dedup.ArticleInput{
		{ExternalID: "c1", Title: "Plain", Body: "Plain body", Format: dedup.FormatText, Source: "src",
			PublishedAt: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), Version: 3},
		{ExternalID: "c2", Title: "Quoted, with comma", Body: "Two\nlines with \"quotes\"", Format: dedup.FormatText, Source: "src"},
	}
}

const ninjsLines = `{"uri":"urn:n:1","headline":"N1","body_text":"Ninjs body","version":4}
{"uri":"urn:n:2","headline":"N2","body_text":"  "}
`

func TestReadFormats(t *testing.T) {
	mapped := []dedup.ArticleInput{{ExternalID: "m1", Title: "Mapped", Body: "Mapped body", Format: dedup.FormatText, Source: "feed"}}
	tests := []struct {
		name        string
		file        string
		data        []byte
		opts        Options
		want        []dedup.ArticleInput
		wantRejects []Reason
	}{
		{name: "jsonl api", file: "a.jsonl", data: []byte(apiLines), want: wantAPI()},
		{name: "jsonl eval", file: "docs.jsonl", data: []byte(evalLines), want: wantEval()},
		{name: "jsonl gzip", file: "docs.jsonl.gz", data: gzipped(t, []byte(evalLines)), want: wantEval()},
		{name: "gzip sniffed without suffix", file: "docs.jsonl", data: gzipped(t, []byte(apiLines)), want: wantAPI()},
		{name: "format override", file: "export.dat", data: []byte(apiLines), opts: Options{Format: FormatJSONL}, want: wantAPI()},
		{name: "csv default columns", file: "a.csv", data: []byte(csvDefault), want: wantCSV()},
		{name: "csv gzip", file: "a.csv.gz", data: gzipped(t, []byte(csvDefault)), want: wantCSV()},
		{
			name: "csv mapping", file: "m.csv", data: []byte(csvMapped), want: mapped,
			opts: Options{Source: "feed", Columns: map[string]string{"external_id": "story id;x", "title": "headline", "body": "Content"}},
		},
		{
			name: "ninjs", file: "n.ninjs", data: []byte(ninjsLines), opts: Options{ParseNinjs: fakeNinjs, Source: "nin"},
			want:        []dedup.ArticleInput{{ExternalID: "urn:n:1", Title: "N1", Body: "Ninjs body", Format: dedup.FormatText, Source: "nin", Version: 4}},
			wantRejects: []Reason{ReasonMissingBody},
		},
		{name: "ninjs gzip", file: "n.ninjs.jsonl.gz", data: gzipped(t, []byte(ninjsLines)), opts: Options{ParseNinjs: fakeNinjs, Source: "nin"},
			want:        []dedup.ArticleInput{{ExternalID: "urn:n:1", Title: "N1", Body: "Ninjs body", Format: dedup.FormatText, Source: "nin", Version: 4}},
			wantRejects: []Reason{ReasonMissingBody},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(t.TempDir(), tt.file), tt.data)
			items := readInput(t, path, tt.opts)
			if diff := cmp.Diff(tt.want, articles(items)); diff != "" {
				t.Errorf("articles (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRejects, reasons(items)); diff != "" {
				t.Errorf("rejects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStdin(t *testing.T) {
	for _, data := range [][]byte{[]byte(apiLines), gzipped(t, []byte(apiLines))} {
		items := readInput(t, "-", Options{Stdin: strings.NewReader(string(data))})
		if diff := cmp.Diff(wantAPI(), articles(items)); diff != "" {
			t.Errorf("articles (-want +got):\n%s", diff)
		}
	}
	_, err := Open("-", Options{After: &Position{Input: "-", File: "-", Line: 1, Offset: 10}})
	if err != ErrNotResumable {
		t.Errorf("Open(-, After) = %v, want ErrNotResumable", err)
	}
}

func TestPositions(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "a.csv"), []byte(csvDefault))
	items := readInput(t, path, Options{})
	want := []Position{
		{Input: path, File: path, Line: 2, Offset: int64(strings.Index(csvDefault, "c2"))},
		{Input: path, File: path, Line: 3, Offset: int64(len(csvDefault))},
	}
	var got []Position
	for _, it := range items {
		got = append(got, it.Pos)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		file string
		data string
		opts Options
	}{
		{name: "unknown extension", file: "a.xml", data: "<a/>"},
		{name: "csv without header", file: "e.csv", data: ""},
		{name: "csv without body column", file: "b.csv", data: "id,title\n1,x\n"},
		{name: "csv mapping to missing column", file: "c.csv", data: csvDefault, opts: Options{Columns: map[string]string{"body": "nope"}}},
		{name: "csv mapping of unknown field", file: "d.csv", data: csvDefault, opts: Options{Columns: map[string]string{"bodie": "text"}}},
		{name: "broken gzip", file: "f.jsonl.gz", data: "\x1f\x8bnot really"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(dir, tt.file), []byte(tt.data))
			if r, err := Open(path, tt.opts); err == nil {
				r.Close()
				t.Errorf("Open(%s) succeeded, want an error", tt.file)
			}
		})
	}
}

func TestCount(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		want int64
	}{
		{name: "jsonl", path: writeFile(t, filepath.Join(dir, "a.jsonl"), []byte(evalLines)), want: 4},
		{name: "empty", path: writeFile(t, filepath.Join(dir, "e.jsonl"), nil), want: 0},
		{name: "csv", path: writeFile(t, filepath.Join(dir, "a.csv"), []byte(csvDefault)), want: 3},
		{name: "gzip", path: writeFile(t, filepath.Join(dir, "a.jsonl.gz"), gzipped(t, []byte(evalLines))), want: -1},
		{name: "stdin", path: "-", want: -1},
		{name: "tree", path: writeTree(t), want: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Count(tt.path, Options{})
			if err != nil || got != tt.want {
				t.Errorf("Count = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	if n, err := CountAll([]string{tests[0].path, tests[2].path}, Options{}); n != 7 || err != nil {
		t.Errorf("CountAll = %d, %v; want 7", n, err)
	}
}

func TestMultiReader(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, filepath.Join(dir, "a.jsonl"), []byte(apiLines))
	b := writeFile(t, filepath.Join(dir, "b.jsonl"), []byte(evalLines))
	all := readMulti(t, []string{a, b}, Options{})
	if diff := cmp.Diff(append(wantAPI(), wantEval()...), articles(all)); diff != "" {
		t.Fatalf("articles (-want +got):\n%s", diff)
	}
	for i, it := range all {
		rest := readMulti(t, []string{a, b}, Options{After: &it.Pos})
		if diff := cmp.Diff(all[i+1:], rest, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("after %v (-want +got):\n%s", it.Pos, diff)
		}
	}
	if _, err := OpenAll([]string{a}, Options{After: &all[3].Pos}); err == nil {
		t.Error("OpenAll with a position in another input succeeded")
	}
}

func readMulti(tb testing.TB, inputs []string, opts Options) []item {
	tb.Helper()
	m, err := OpenAll(inputs, opts)
	if err != nil {
		tb.Fatal(err)
	}
	defer m.Close()
	return readItems(tb, m.Next)
}
