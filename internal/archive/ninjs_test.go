package archive

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

// ninjsDocs are IPTC ninjs documents, one a line, written from the spec's
// field list: 2.x and 1.x stories, a kill notice and bad documents.
var ninjsDocs = []string{
	`{"uri":"urn:newsml:wire.example.com:20250314:WX-42","version":"3","firstcreated":"2025-03-14T06:12:00Z","pubstatus":"usable","language":"en-GB",` +
		`"headlines":[{"role":"main","value":"Storm floods harbour"}],"bodies":[{"role":"main","contenttype":"text/plain","value":"A storm surge flooded the harbour."}]}`,
	`{"uri":"http://news.example.org/2018/07/16/summit","headline":"Summit opens","body_html":"<p>The summit opened.</p>","versioncreated":"2018-07-16T10:00:00Z"}`,
	`{"uri":"tag:wire.example.com,2025:WX-42","version":"4","pubstatus":"canceled","headlines":[{"value":"KILL"}]}`,
	`{"uri":"urn:newsml:wire.example.com:20250314:WX-43","headlines":[{"value":"No body"}]}`,
	`{"uri":`,
	`{"uri":"5f1c0a7e-6b4e-4c7a-9d55-2a1f0c9b8e11","bodies":[{"contenttype":"text/plain","value":"Needs a source."}]}`,
}

func TestNinjsDefaultParser(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "feed.ninjs.jsonl"), []byte(strings.Join(ninjsDocs, "\n")+"\n"))
	tests := []struct {
		name   string
		source string
		want   []Reason
		last   string // the source of the UUID document when accepted
	}{
		{name: "no source", want: []Reason{ReasonNotUsable, ReasonMissingBody, ReasonMalformed, ReasonInvalidField}},
		{name: "with source", source: "archive", want: []Reason{ReasonNotUsable, ReasonMissingBody, ReasonMalformed}, last: "archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := readInput(t, path, Options{Source: tt.source})
			if diff := cmp.Diff(tt.want, reasons(items)); diff != "" {
				t.Errorf("rejects (-want +got):\n%s", diff)
			}
			got := articles(items)
			want := dedup.ArticleInput{ExternalID: "urn:newsml:wire.example.com:20250314:WX-42", Title: "Storm floods harbour",
				Body: "A storm surge flooded the harbour.", Format: dedup.FormatText, Source: "wire.example.com",
				PublishedAt: time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC), Language: "en-GB", Version: 3}
			if len(got) < 2 || !cmp.Equal(want, got[0]) || got[1].Format != dedup.FormatHTML || got[1].Source != "news.example.org" {
				t.Fatalf("articles = %+v, want the 2.x story as %+v and the 1.x one as html", got, want)
			}
			if tt.last != "" && got[len(got)-1].Source != tt.last {
				t.Errorf("the UUID document got source %q, want %q", got[len(got)-1].Source, tt.last)
			}
		})
	}
}
