package archive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseLine(f *testing.F) {
	for _, seed := range strings.Split(apiLines+evalLines, "\n") {
		f.Add([]byte(seed))
	}
	for _, seed := range []string{`{"external_id":1e400,"body":"x"}`, `{"id":null,"text":"\ud800"}`, `{}`, `null`, "{\"text\":\"\xff\"}"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		in, err := ParseLine(line)
		if err != nil {
			return
		}
		for _, s := range []string{in.ExternalID, in.URL, in.Title, in.Body, string(in.Format), in.Source, in.Language} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted %q with invalid UTF-8 %q", line, s)
			}
		}
		if strings.TrimSpace(in.Body) == "" {
			t.Fatalf("accepted %q without a body", line)
		}
	})
}

func FuzzSplitCSV(f *testing.F) {
	for _, seed := range []string{"a,b", `"a""b",c`, "\"x\ny\",", `a"`, `""`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		fields, err := splitCSV(rec, nil)
		if err != nil {
			return
		}
		n := len(fields) - 1 // separators
		for _, f := range fields {
			n += len(f)
		}
		if n > len(rec) {
			t.Fatalf("splitCSV(%q) made %d bytes of fields", rec, n)
		}
	})
}
