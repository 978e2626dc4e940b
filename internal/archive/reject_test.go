package archive

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRejects(t *testing.T) {
	good := `{"id":"ok","text":"fine"}`
	tests := []struct {
		name string
		file string
		line string // between two good records
		opts Options
		want Reason
	}{
		{name: "malformed json", file: "a.jsonl", line: `{"id":"x","text":`, want: ReasonMalformed},
		{name: "not an object", file: "a.jsonl", line: `["x"]`, want: ReasonMalformed},
		{name: "trailing data", file: "a.jsonl", line: `{"id":"x","text":"t"} {}`, want: ReasonMalformed},
		{name: "missing body", file: "a.jsonl", line: `{"external_id":"x","title":"no body"}`, want: ReasonMissingBody},
		{name: "blank text", file: "a.jsonl", line: `{"id":"x","text":" \n\t"}`, want: ReasonMissingBody},
		{name: "invalid utf-8", file: "a.jsonl", line: "{\"id\":\"x\",\"text\":\"caf\xe9\"}", want: ReasonInvalidUTF8},
		{name: "oversize", file: "a.jsonl", line: `{"id":"x","text":"` + strings.Repeat("y", 100) + `"}`,
			opts: Options{MaxRecordBytes: 64}, want: ReasonOversize},
		{name: "bad format", file: "a.jsonl", line: `{"external_id":"x","body":"b","format":"pdf"}`, want: ReasonInvalidField},
		{name: "bad published_at", file: "a.jsonl", line: `{"external_id":"x","body":"b","published_at":"yesterday"}`, want: ReasonInvalidField},
		{name: "negative version", file: "a.jsonl", line: `{"external_id":"x","body":"b","version":-1}`, want: ReasonInvalidField},
		{name: "version not a number", file: "a.jsonl", line: `{"external_id":"x","body":"b","version":"2"}`, want: ReasonMalformed},
		{name: "ninjs parser error", file: "a.ninjs", line: `{"uri":`, opts: Options{ParseNinjs: fakeNinjs}, want: ReasonMalformed},
		{name: "ninjs invalid utf-8", file: "a.ninjs", line: "{\"uri\":\"\xff\"}", opts: Options{ParseNinjs: fakeNinjs}, want: ReasonInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, last := good, good
			if tt.opts.ParseNinjs != nil {
				first, last = `{"uri":"1","body_text":"a"}`, `{"uri":"2","body_text":"b"}`
			}
			data := first + "\n" + tt.line + "\n" + last + "\n"
			path := writeFile(t, filepath.Join(t.TempDir(), tt.file), []byte(data))
			items := readInput(t, path, tt.opts)
			if len(items) != 3 || len(articles(items)) != 2 {
				t.Fatalf("got %d items, %d articles; want the reject between two articles: %+v", len(items), len(articles(items)), items)
			}
			if got := items[1]; got.Reason != tt.want || got.Pos.Line != 2 {
				t.Errorf("reject = %q at line %d, want %q at line 2", got.Reason, got.Pos.Line, tt.want)
			}
		})
	}
}

func TestCSVRejects(t *testing.T) {
	data := "id,text,version\n" +
		"1,ok,\n" +
		"2,bare \"quote\" here,\n" +
		"3,too,many,fields\n" +
		"4,\"x\"y,\n" +
		"5,,\n" +
		"6,\"caf\xe9\",\n" +
		"7,ok,seven\n" +
		"8,\"" + strings.Repeat("long ", 30) + "\nstill long\",\n" +
		"9,ok,9\n" +
		"10,\"never closed,\n"
	path := writeFile(t, filepath.Join(t.TempDir(), "r.csv"), []byte(data))
	items := readInput(t, path, Options{MaxRecordBytes: 100})
	type got struct {
		Line   int64
		Reason Reason
	}
	want := []got{
		{2, ""}, {3, ReasonMalformed}, {4, ReasonMalformed}, {5, ReasonMalformed}, {6, ReasonMissingBody},
		{7, ReasonInvalidUTF8}, {8, ReasonInvalidField}, {9, ReasonOversize}, {11, ""}, {12, ReasonMalformed},
	}
	var gots []got
	for _, it := range items {
		gots = append(gots, got{it.Pos.Line, it.Reason})
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRejectWriter(t *testing.T) {
	var buf bytes.Buffer
	rw := NewRejectWriter(&buf)
	rejects := []*RejectError{
		{Pos: Position{File: "in.jsonl", Line: 3}, Reason: ReasonMalformed, Err: errString("unexpected\tend\nof input")},
		{Pos: Position{File: "tree/x.txt"}, Reason: ReasonMissingBody},
		{Pos: Position{File: "in.jsonl", Line: 9}, Reason: ReasonMalformed},
	}
	for _, e := range rejects {
		if err := rw.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "in.jsonl\t3\tmalformed\tunexpected end of input\n" +
		"tree/x.txt\t0\tmissing body\t\n" +
		"in.jsonl\t9\tmalformed\t\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("reject file (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[Reason]int64{ReasonMalformed: 2, ReasonMissingBody: 1}, rw.Counts()); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestSplitCSV(t *testing.T) {
	tests := []struct {
		rec     string
		want    []string
		wantErr error
	}{
		{rec: "a,b,c", want: []string{"a", "b", "c"}},
		{rec: "a,,", want: []string{"a", "", ""}},
		{rec: `"a,b","c""d",""`, want: []string{"a,b", `c"d`, ""}},
		{rec: "\"multi\nline\",x", want: []string{"multi\nline", "x"}},
		{rec: `a"b`, wantErr: errBareQuote},
		{rec: `"a"b`, wantErr: errAfterCloseQuote},
		{rec: `"a`, wantErr: errUnterminated},
	}
	for _, tt := range tests {
		got, err := splitCSV([]byte(tt.rec), nil)
		if err != tt.wantErr {
			t.Errorf("splitCSV(%q) error = %v, want %v", tt.rec, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("splitCSV(%q) (-want +got):\n%s", tt.rec, diff)
		}
	}
}
