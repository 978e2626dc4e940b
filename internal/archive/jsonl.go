package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// jsonlDecoder reads one record per line; blank lines are skipped.
type jsonlDecoder struct {
	input  string
	src    *lineSource
	source string
	parse  func([]byte) (dedup.ArticleInput, error)
}

func (d *jsonlDecoder) next() (Record, error) {
	for {
		line, tooLong, err := d.src.next()
		if err != nil {
			return Record{}, err
		}
		pos := Position{Input: d.input, File: d.input, Line: d.src.line, Offset: d.src.off}
		if tooLong {
			return Record{}, withPos(reject(ReasonOversize, "line longer than %d bytes", d.src.max), pos)
		}
		if d.src.line == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if isBlank(line) {
			continue
		}
		in, err := d.parse(line)
		if err != nil {
			return Record{}, withPos(err, pos)
		}
		if in.Source == "" {
			in.Source = d.source
		}
		return Record{Input: in, Pos: pos}, nil
	}
}

// withPos turns a parse error into a *RejectError at pos.
func withPos(err error, pos Position) *RejectError {
	var rej *RejectError
	if !errors.As(err, &rej) {
		rej = &RejectError{Reason: ReasonMalformed, Err: err}
	}
	out := *rej
	out.Pos = pos
	return &out
}

// ninjsParser wraps the caller's ninjs parser with the checks every record gets.
func ninjsParser(parse func([]byte) (dedup.ArticleInput, error)) func([]byte) (dedup.ArticleInput, error) {
	return func(line []byte) (dedup.ArticleInput, error) {
		if !utf8.Valid(line) {
			return dedup.ArticleInput{}, &RejectError{Reason: ReasonInvalidUTF8}
		}
		in, err := parse(line)
		if err != nil {
			return dedup.ArticleInput{}, withPos(err, Position{})
		}
		if in.Format == "" {
			in.Format = dedup.FormatText
		}
		if err := checkInput(&in); err != nil {
			return dedup.ArticleInput{}, err
		}
		return in, nil
	}
}

// lineFields holds both line formats: the API's article fields and the
// eval docs.jsonl fields (id, text, published).
type lineFields struct {
	ExternalID  *flexString `json:"external_id"`
	URL         string      `json:"url"`
	Title       string      `json:"title"`
	Body        *string     `json:"body"`
	Format      string      `json:"format"`
	Source      string      `json:"source"`
	PublishedAt string      `json:"published_at"`
	Language    string      `json:"language"`
	Version     int64       `json:"version"`

	ID        flexString `json:"id"`
	Text      string     `json:"text"`
	Published string     `json:"published"`
}

// flexString accepts a JSON string or number: ids are often numeric.
type flexString string

// UnmarshalJSON takes a string, a number (as its literal text) or null.
func (s *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' && b[0] != 'n' {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*s = flexString(n)
		return nil
	}
	return json.Unmarshal(b, (*string)(s))
}

// ParseLine parses one JSON line. A line with "body" or "external_id" is in
// the API's article format; any other is in the eval docs.jsonl format
// {"id","title","text","source","published"}, whose "published" is kept
// only when it parses as a time. Errors are *RejectError with no position.
func ParseLine(line []byte) (dedup.ArticleInput, error) {
	if !utf8.Valid(line) {
		return dedup.ArticleInput{}, &RejectError{Reason: ReasonInvalidUTF8}
	}
	var f lineFields
	if err := json.Unmarshal(line, &f); err != nil {
		return dedup.ArticleInput{}, &RejectError{Reason: ReasonMalformed, Err: err}
	}
	in, err := f.article()
	if err != nil {
		return dedup.ArticleInput{}, err
	}
	if err := checkInput(&in); err != nil {
		return dedup.ArticleInput{}, err
	}
	return in, nil
}

func (f *lineFields) article() (dedup.ArticleInput, error) {
	if f.Body == nil && f.ExternalID == nil {
		published, _ := parseTime(f.Published) // unknown when it does not parse
		return dedup.ArticleInput{
			ExternalID: string(f.ID), Title: f.Title, Body: f.Text,
			Format: dedup.FormatText, Source: f.Source, PublishedAt: published,
		}, nil
	}
	in := dedup.ArticleInput{
		URL: f.URL, Title: f.Title, Format: dedup.Format(f.Format),
		Source: f.Source, Language: f.Language, Version: f.Version,
	}
	if f.ExternalID != nil {
		in.ExternalID = string(*f.ExternalID)
	}
	if f.Body != nil {
		in.Body = *f.Body
	}
	if f.PublishedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, f.PublishedAt)
		if err != nil {
			return in, reject(ReasonInvalidField, "published_at: %v", err)
		}
		in.PublishedAt = t.UTC()
	}
	return in, nil
}

// checkInput applies the rules every record must meet, whatever its format.
func checkInput(in *dedup.ArticleInput) error {
	if strings.TrimSpace(in.Body) == "" {
		return &RejectError{Reason: ReasonMissingBody}
	}
	switch in.Format {
	case "":
		in.Format = dedup.FormatText
	case dedup.FormatText, dedup.FormatHTML:
	default:
		return reject(ReasonInvalidField, "format %q is neither text nor html", in.Format)
	}
	if in.Version < 0 {
		return reject(ReasonInvalidField, "version %d is negative", in.Version)
	}
	return nil
}

// timeLayouts are tried in order by parseTime. The last is the Reuters-21578
// style "26-FEB-1987 15:01:01.79" (month names match in any case, and the
// fraction is accepted after the seconds).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"2-Jan-2006 15:04:05",
}

// parseTime parses the time formats found in archives; times without a
// zone are taken as UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var err error
	for _, layout := range timeLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
