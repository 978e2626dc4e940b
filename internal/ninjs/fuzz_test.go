package ninjs

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"wire_story.json", "legacy_1x.json", "kill_notice.json"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		`{"uri":"u","bodies":[{"value":"b"}]}`,
		`{"uri":"u","version":"9223372036854775807","bodies":[{"role":"main","contenttype":"text/html;charset=x","value":"<p>b</p>"}]}`,
		`{"uri":"https://h.example/x","version":1e3,"headline":"h","body_text":"t"}`,
		"{\"uri\":\"\xff\",\"body_html\":\"\\ud800\"}",
		`{"uri":"u","firstcreated":"2025-03-14T08:12:00+0200","pubstatus":"withdrawn"}`,
		`{"external_id":"e","uri":"u"}`,
		`[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, err := Detect(raw); isForeign(err) {
			t.Fatalf("Detect error is not a ValidationError: %v", err)
		}
		d, err := Parse(raw)
		if err != nil {
			if isForeign(err) {
				t.Fatalf("Parse error is not a ValidationError: %v", err)
			}
			return
		}
		checkDocument(t, d)
		a, err := d.Article("src")
		if err != nil {
			if isForeign(err) {
				t.Fatalf("Article error is not a ValidationError: %v", err)
			}
			return
		}
		for _, s := range []string{a.ExternalID, a.URL, a.Title, a.Body, a.Source, a.Language} {
			if !utf8.ValidString(s) {
				t.Fatalf("Article field %q is not valid UTF-8", s)
			}
		}
		if a.ExternalID != d.URI || a.Source != "src" || a.Body == "" || a.Format == "" || a.Version < 0 {
			t.Fatalf("Article = %+v from %+v", a, d)
		}
	})
}

func isForeign(err error) bool {
	return err != nil && strings.HasPrefix(errField(err), "<")
}

// checkDocument asserts what every accepted document guarantees.
func checkDocument(t *testing.T, d *Document) {
	t.Helper()
	texts := []string{d.URI, d.Headline, d.Body, d.By, d.Language, d.Located, d.Type, string(d.PubStatus)}
	for _, a := range d.AltIDs {
		texts = append(texts, a.Role, a.Value)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			t.Fatalf("field %q is not valid UTF-8", s)
		}
	}
	if d.URI == "" || d.Version < 0 {
		t.Fatalf("accepted document with uri %q version %d", d.URI, d.Version)
	}
	if (d.Body == "") != (d.Format == "") {
		t.Fatalf("body %q with format %q", d.Body, d.Format)
	}
	switch d.PubStatus {
	case PubStatusUsable, PubStatusWithheld, PubStatusCanceled:
	default:
		t.Fatalf("pubstatus %q", d.PubStatus)
	}
}
