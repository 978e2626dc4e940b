package ninjs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// errField returns the field of a *dedup.ValidationError, "" for nil and a
// marker for any other error.
func errField(err error) string {
	if err == nil {
		return ""
	}
	var ve *dedup.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, dedup.ErrInvalid) {
		return "<not a ValidationError: " + err.Error() + ">"
	}
	return ve.Field
}

const (
	wireHTML = "<p>HARBOURTON, March 14 (Example Wire) - A storm surge flooded the harbour district of Harbourton overnight, forcing hundreds of residents from their homes.</p><p>Emergency services said no one was hurt.</p><p>&quot;We have never seen the water this high,&quot; said harbour master Jane Doe.</p>"
	wireURI  = "urn:newsml:wire.example.com:20250314:WX-2025-0314-0042"
)

func TestParseSamples(t *testing.T) {
	tests := []struct {
		file string
		want *Document
	}{
		{
			file: "wire_story.json",
			want: &Document{
				URI:            wireURI,
				Version:        3,
				PubStatus:      PubStatusUsable,
				Type:           "text",
				Headline:       "Storm surge floods harbour district, hundreds evacuated",
				Body:           wireHTML,
				Format:         dedup.FormatHTML,
				By:             "By Alex Writer",
				Language:       "en-GB",
				Located:        "Harbourton",
				FirstCreated:   time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC),
				VersionCreated: time.Date(2025, 3, 14, 6, 45, 31, 250_000_000, time.UTC),
				AltIDs:         []AltID{{Role: "internal", Value: "WX-0042"}, {Role: "slug", Value: "storm-harbourton"}},
			},
		},
		{
			file: "legacy_1x.json",
			want: &Document{
				URI:            "http://news.example.org/2016/08/12/council-budget",
				Version:        4,
				PubStatus:      PubStatusUsable,
				Type:           "text",
				Headline:       "Council approves budget after late-night session",
				Body:           "<p>The city council approved next year's budget shortly after midnight.</p>",
				Format:         dedup.FormatHTML,
				By:             "Sam Reporter",
				Language:       "en",
				Located:        "Springfield",
				VersionCreated: time.Date(2016, 8, 12, 13, 4, 5, 0, time.UTC),
			},
		},
		{
			file: "kill_notice.json",
			want: &Document{
				URI:            "tag:wire.example.com,2025:WX-2025-0314-0042",
				Version:        4,
				PubStatus:      PubStatusCanceled,
				Headline:       "KILL: Storm surge floods harbour district",
				VersionCreated: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Parse(readTestdata(t, tt.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	type fields struct {
		Version   int64
		PubStatus PubStatus
		Headline  string
		Body      string
		Format    dedup.Format
		By        string
	}
	tests := []struct {
		name string
		in   string
		want fields
	}{
		{name: "simple body without role or type", in: `{"uri":"u","bodies":[{"value":"Plain words."}]}`,
			want: fields{PubStatus: "usable", Body: "Plain words.", Format: dedup.FormatText}},
		{name: "simple body that is markup", in: `{"uri":"u","bodies":[{"value":"  <p>Tagged.</p>"}]}`,
			want: fields{PubStatus: "usable", Body: "  <p>Tagged.</p>", Format: dedup.FormatHTML}},
		{name: "main plain beats roleless html", in: `{"uri":"u","bodies":[{"contenttype":"text/html","value":"<p>b</p>"},{"role":"main","contenttype":"text/plain","value":"a"}]}`,
			want: fields{PubStatus: "usable", Body: "a", Format: dedup.FormatText}},
		{name: "html beats plain within a role", in: `{"uri":"u","bodies":[{"role":"x","contenttype":"text/plain","value":"a"},{"role":"y","contenttype":"TEXT/HTML","value":"<p>b</p>"}]}`,
			want: fields{PubStatus: "usable", Body: "<p>b</p>", Format: dedup.FormatHTML}},
		{name: "blank and unsupported bodies skipped", in: `{"uri":"u","bodies":[{"role":"main","contenttype":"text/html","value":"  "},{"role":"main","contenttype":"application/nitf+xml","value":"<nitf/>"},{"role":"extra","contenttype":"text/plain","value":"c"}]}`,
			want: fields{PubStatus: "usable", Body: "c", Format: dedup.FormatText}},
		{name: "2.x bodies beat 1.x body_html", in: `{"uri":"u","bodies":[{"contenttype":"text/plain","value":"new"}],"body_html":"<p>old</p>"}`,
			want: fields{PubStatus: "usable", Body: "new", Format: dedup.FormatText}},
		{name: "falls back to body_text", in: `{"uri":"u","bodies":[{"contenttype":"application/nitf+xml","value":"<nitf/>"}],"body_text":"old"}`,
			want: fields{PubStatus: "usable", Body: "old", Format: dedup.FormatText}},
		{name: "first headline without main", in: `{"uri":"u","headlines":[{"value":" "},{"role":"sub","value":"Sub"},{"value":"Other"}],"headline":"Legacy"}`,
			want: fields{PubStatus: "usable", Headline: "Sub"}},
		{name: "legacy headline", in: `{"uri":"u","headlines":[],"headline":" Legacy "}`,
			want: fields{PubStatus: "usable", Headline: "Legacy"}},
		{name: "by beats byline", in: `{"uri":"u","by":"New","byline":"Old"}`, want: fields{PubStatus: "usable", By: "New"}},
		{name: "empty by falls back to byline", in: `{"uri":"u","by":"","byline":"Old"}`, want: fields{PubStatus: "usable", By: "Old"}},
		{name: "version string", in: `{"uri":"u","version":"12"}`, want: fields{Version: 12, PubStatus: "usable"}},
		{name: "version number", in: `{"uri":"u","version":12}`, want: fields{Version: 12, PubStatus: "usable"}},
		{name: "version zero", in: `{"uri":"u","version":"0"}`, want: fields{PubStatus: "usable"}},
		{name: "version empty string", in: `{"uri":"u","version":""}`, want: fields{PubStatus: "usable"}},
		{name: "version null", in: `{"uri":"u","version":null}`, want: fields{PubStatus: "usable"}},
		{name: "version max int64", in: `{"uri":"u","version":"9223372036854775807"}`, want: fields{Version: 1<<63 - 1, PubStatus: "usable"}},
		{name: "pubstatus withdrawn", in: `{"uri":"u","pubstatus":"withdrawn"}`, want: fields{PubStatus: PubStatusWithheld}},
		{name: "pubstatus withheld", in: `{"uri":"u","pubstatus":"withheld"}`, want: fields{PubStatus: PubStatusWithheld}},
		{name: "pubstatus cancelled", in: `{"uri":"u","pubstatus":"cancelled"}`, want: fields{PubStatus: PubStatusCanceled}},
		{name: "pubstatus upper case", in: `{"uri":"u","pubstatus":"USABLE"}`, want: fields{PubStatus: PubStatusUsable}},
		{name: "invalid UTF-8 replaced", in: "{\"uri\":\"u\",\"body_text\":\"caf\xe9\"}", want: fields{PubStatus: "usable", Body: "caf\uFFFD", Format: dedup.FormatText}},
		{name: "unknown members ignored", in: `{"uri":"u","bodies":[{"value":"b","charcount":"many","extra":{}}],"urgency":"high","x":[1,2]}`,
			want: fields{PubStatus: "usable", Body: "b", Format: dedup.FormatText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := fields{d.Version, d.PubStatus, d.Headline, d.Body, d.Format, d.By}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTimes(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2025-03-14T06:12:00Z", time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC)},
		{"2025-03-14T08:12:00+02:00", time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC)},
		{"2025-03-14T08:12:00+0200", time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC)},
		{"2025-03-14T06:12:00.5Z", time.Date(2025, 3, 14, 6, 12, 0, 500_000_000, time.UTC)},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse([]byte(`{"uri":"u","firstcreated":"` + tt.in + `"}`))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !d.FirstCreated.Equal(tt.want) || d.FirstCreated.Location() != time.UTC {
				t.Errorf("FirstCreated = %v, want %v in UTC", d.FirstCreated, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantField string
	}{
		{name: "empty input", in: ``, wantField: "document"},
		{name: "not JSON", in: `uri: x`, wantField: "document"},
		{name: "trailing data", in: `{"uri":"u"} {}`, wantField: "document"},
		{name: "array", in: `[{"uri":"u"}]`, wantField: "document"},
		{name: "null", in: `null`, wantField: "document"},
		{name: "string", in: `"u"`, wantField: "document"},
		{name: "no uri", in: `{"headlines":[{"value":"h"}]}`, wantField: "uri"},
		{name: "blank uri", in: `{"uri":"  "}`, wantField: "uri"},
		{name: "uri is a number", in: `{"uri":42}`, wantField: "uri"},
		{name: "upper-case URI is not uri", in: `{"URI":"u"}`, wantField: "uri"},
		{name: "negative version string", in: `{"uri":"u","version":"-1"}`, wantField: "version"},
		{name: "negative version number", in: `{"uri":"u","version":-1}`, wantField: "version"},
		{name: "fractional version", in: `{"uri":"u","version":1.5}`, wantField: "version"},
		{name: "exponent version", in: `{"uri":"u","version":"1e3"}`, wantField: "version"},
		{name: "version with spaces", in: `{"uri":"u","version":" 3"}`, wantField: "version"},
		{name: "version word", in: `{"uri":"u","version":"three"}`, wantField: "version"},
		{name: "version boolean", in: `{"uri":"u","version":true}`, wantField: "version"},
		{name: "version overflow", in: `{"uri":"u","version":"9223372036854775808"}`, wantField: "version"},
		{name: "unknown pubstatus", in: `{"uri":"u","pubstatus":"embargoed"}`, wantField: "pubstatus"},
		{name: "date without time", in: `{"uri":"u","firstcreated":"2025-03-14"}`, wantField: "firstcreated"},
		{name: "time without zone", in: `{"uri":"u","versioncreated":"2025-03-14T06:12:00"}`, wantField: "versioncreated"},
		{name: "time as number", in: `{"uri":"u","firstcreated":1741932720}`, wantField: "firstcreated"},
		{name: "headlines not an array", in: `{"uri":"u","headlines":"h"}`, wantField: "headlines"},
		{name: "bodies of numbers", in: `{"uri":"u","bodies":[1]}`, wantField: "bodies"},
		{name: "body value not a string", in: `{"uri":"u","bodies":[{"value":{"p":"x"}}]}`, wantField: "bodies"},
		{name: "body_text not a string", in: `{"uri":"u","body_text":5}`, wantField: "body_text"},
		{name: "language not a string", in: `{"uri":"u","language":["en"]}`, wantField: "language"},
		{name: "altids not an array", in: `{"uri":"u","altids":{"role":"x"}}`, wantField: "altids"},
		{name: "NUL in body", in: `{"uri":"u","bodies":[{"value":"a\u0000b"}]}`, wantField: "bodies"},
		{name: "NUL in uri", in: `{"uri":"u\u0000"}`, wantField: "uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if got := errField(err); got != tt.wantField {
				t.Errorf("Parse error field = %q (err %v, doc %+v), want %q", got, err, d, tt.wantField)
			}
		})
	}
}

func TestArticle(t *testing.T) {
	tests := []struct {
		name      string
		in        []byte
		source    string
		want      dedup.ArticleInput
		wantField string
	}{
		{
			name: "wire story, source from the NewsML URN",
			in:   readTestdata(t, "wire_story.json"),
			want: dedup.ArticleInput{
				ExternalID:  wireURI,
				Title:       "Storm surge floods harbour district, hundreds evacuated",
				Body:        wireHTML,
				Format:      dedup.FormatHTML,
				Source:      "wire.example.com",
				PublishedAt: time.Date(2025, 3, 14, 6, 12, 0, 0, time.UTC),
				Language:    "en-GB",
				Version:     3,
			},
		},
		{
			name:   "1.x story, caller's source, published at versioncreated",
			in:     readTestdata(t, "legacy_1x.json"),
			source: " Example News ",
			want: dedup.ArticleInput{
				ExternalID:  "http://news.example.org/2016/08/12/council-budget",
				URL:         "http://news.example.org/2016/08/12/council-budget",
				Title:       "Council approves budget after late-night session",
				Body:        "<p>The city council approved next year's budget shortly after midnight.</p>",
				Format:      dedup.FormatHTML,
				Source:      "Example News",
				PublishedAt: time.Date(2016, 8, 12, 13, 4, 5, 0, time.UTC),
				Language:    "en",
				Version:     4,
			},
		},
		{
			name:   "bare UUID uri with a source",
			in:     []byte(`{"uri":"8d19cf88-b3ab-4972-8fec-1207599f2872","version":"6","bodies":[{"value":"Text."}]}`),
			source: "ntb",
			want: dedup.ArticleInput{
				ExternalID: "8d19cf88-b3ab-4972-8fec-1207599f2872",
				Body:       "Text.",
				Format:     dedup.FormatText,
				Source:     "ntb",
				Version:    6,
			},
		},
		{name: "bare UUID uri without a source", in: []byte(`{"uri":"8d19cf88-b3ab-4972-8fec-1207599f2872","bodies":[{"value":"Text."}]}`), wantField: "uri"},
		{name: "no body", in: readTestdata(t, "kill_notice.json"), wantField: "bodies"},
		{name: "only unsupported bodies", in: []byte(`{"uri":"https://x.example/1","bodies":[{"contenttype":"application/nitf+xml","value":"<nitf/>"}]}`), wantField: "bodies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := d.Article(tt.source)
			if field := errField(err); field != tt.wantField {
				t.Fatalf("Article error field = %q (%v), want %q", field, err, tt.wantField)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Article (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourceFromURI(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"https://www.Example.com/news/1", "www.example.com"},
		{"http://wire.example.com:8080/a?b=c", "wire.example.com"},
		{"urn:newsml:dpa.com:20090101:190510-99-167362", "dpa.com"},
		{"URN:NewsML:AP.org:20250101:x", "ap.org"},
		{"urn:newsml:", ""},
		{"urn:isbn:0451450523", ""},
		{"tag:wire.example.com,2025:WX-1", "wire.example.com"},
		{"tag:desk@paper.example,2025:x", "paper.example"},
		{"tag:nocomma", ""},
		{"8d19cf88-b3ab-4972-8fec-1207599f2872", ""},
		{"ftp://files.example.com/a", ""},
		{"%zz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			if got := SourceFromURI(tt.uri); got != tt.want {
				t.Errorf("SourceFromURI(%q) = %q, want %q", tt.uri, got, tt.want)
			}
		})
	}
}
