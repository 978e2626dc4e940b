package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// csvFields are the article fields a CSV column can map to.
var csvFields = []string{
	"external_id", "url", "title", "body", "format", "source", "published_at", "language", "version",
}

// csvAliases are the eval docs.jsonl names tried when a field's own name
// is not a column.
var csvAliases = map[string]string{"external_id": "id", "body": "text", "published_at": "published"}

// csvDecoder reads RFC 4180 CSV with a header. It splits records itself
// rather than use encoding/csv, so that one record's memory stays bounded
// by MaxRecordBytes and every record has an exact line and offset.
type csvDecoder struct {
	input  string
	src    *lineSource
	source string
	cols   map[string]int // field → column index
	width  int
	rec    []byte
	fields []string
}

func newCSVDecoder(input string, s *stream, opts Options) (*csvDecoder, error) {
	d := &csvDecoder{input: input, src: s.src, source: opts.Source}
	rec, _, tooLong, err := d.record()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: no header line", input)
	}
	if err != nil {
		return nil, err
	}
	if tooLong {
		return nil, fmt.Errorf("%s: header line too long", input)
	}
	header, err := splitCSV(bytes.TrimPrefix(rec, utf8BOM), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", input, err)
	}
	if d.cols, err = mapColumns(header, opts.Columns); err != nil {
		return nil, fmt.Errorf("%s: %w", input, err)
	}
	d.width = len(header)
	if opts.After != nil {
		// The line count cannot come from After.Line, which is where the
		// last record started, not where it ended; seek counts it.
		if err := s.seek(opts.After.Offset, -1); err != nil {
			return nil, fmt.Errorf("resume %s: %w", input, err)
		}
	}
	return d, nil
}

// mapColumns resolves each article field to a header column.
func mapColumns(header []string, mapping map[string]string) (map[string]int, error) {
	index := make(map[string]int, len(header))
	for i, name := range header {
		index[strings.ToLower(strings.TrimSpace(name))] = i
	}
	for field := range mapping {
		if !isCSVField(field) {
			return nil, fmt.Errorf("unknown article field %q in the column mapping", field)
		}
	}
	cols := make(map[string]int)
	for _, field := range csvFields {
		if name, ok := mapping[field]; ok {
			i, ok := index[strings.ToLower(strings.TrimSpace(name))]
			if !ok {
				return nil, fmt.Errorf("no column %q for %s", name, field)
			}
			cols[field] = i
		} else if i, ok := index[field]; ok {
			cols[field] = i
		} else if i, ok := index[csvAliases[field]]; ok && csvAliases[field] != "" {
			cols[field] = i
		}
	}
	if _, ok := cols["body"]; !ok {
		return nil, errors.New(`no column for body: name one "body" or "text", or map it`)
	}
	return cols, nil
}

func isCSVField(name string) bool {
	for _, f := range csvFields {
		if f == name {
			return true
		}
	}
	return false
}

func (d *csvDecoder) next() (Record, error) {
	for {
		rec, start, tooLong, err := d.record()
		if err != nil {
			return Record{}, err
		}
		pos := Position{Input: d.input, File: d.input, Line: start, Offset: d.src.off}
		if tooLong {
			return Record{}, withPos(reject(ReasonOversize, "record longer than %d bytes", d.src.max), pos)
		}
		if isBlank(rec) {
			continue
		}
		in, err := d.article(rec)
		if err != nil {
			return Record{}, withPos(err, pos)
		}
		return Record{Input: in, Pos: pos}, nil
	}
}

// record returns the next record, which spans several lines when a quoted
// field holds line breaks, and the line it starts on. A record ends at the
// first line end outside quotes; an odd number of quotes so far means
// inside. A record that grows past max is consumed and reported tooLong.
func (d *csvDecoder) record() (rec []byte, start int64, tooLong bool, err error) {
	d.rec = d.rec[:0]
	quotes := 0
	for {
		line, long, err := d.src.next()
		if errors.Is(err, io.EOF) && start != 0 {
			return d.rec, start, tooLong, nil // an unterminated quote: splitCSV says so
		}
		if err != nil {
			return nil, 0, false, err
		}
		if start == 0 {
			start = d.src.line
		} else if !tooLong {
			d.rec = append(d.rec, '\n')
		}
		quotes += d.src.quotes
		tooLong = tooLong || long || len(d.rec)+len(line) > d.src.max
		if !tooLong {
			d.rec = append(d.rec, line...)
		}
		if quotes%2 == 0 {
			return d.rec, start, tooLong, nil
		}
	}
}

func (d *csvDecoder) article(rec []byte) (dedup.ArticleInput, error) {
	if !utf8.Valid(rec) {
		return dedup.ArticleInput{}, &RejectError{Reason: ReasonInvalidUTF8}
	}
	fields, err := splitCSV(rec, d.fields[:0])
	if err != nil {
		return dedup.ArticleInput{}, reject(ReasonMalformed, "%v", err)
	}
	d.fields = fields
	if len(fields) != d.width {
		return dedup.ArticleInput{}, reject(ReasonMalformed, "%d fields, the header has %d", len(fields), d.width)
	}
	in, err := d.fill(fields)
	if err != nil {
		return in, err
	}
	if in.Source == "" {
		in.Source = d.source
	}
	if err := checkInput(&in); err != nil {
		return dedup.ArticleInput{}, err
	}
	return in, nil
}

func (d *csvDecoder) fill(fields []string) (dedup.ArticleInput, error) {
	get := func(field string) string {
		if i, ok := d.cols[field]; ok {
			return fields[i]
		}
		return ""
	}
	in := dedup.ArticleInput{
		ExternalID: get("external_id"), URL: get("url"), Title: get("title"),
		Body: get("body"), Format: dedup.Format(get("format")), Source: get("source"),
		Language: get("language"),
	}
	if s := get("published_at"); strings.TrimSpace(s) != "" {
		t, err := parseTime(s)
		if err != nil {
			return in, reject(ReasonInvalidField, "published_at: %v", err)
		}
		in.PublishedAt = t
	}
	if s := strings.TrimSpace(get("version")); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return in, reject(ReasonInvalidField, "version: %v", err)
		}
		in.Version = v
	}
	return in, nil
}

// Errors of splitCSV.
var (
	errBareQuote       = errors.New(`bare " in an unquoted field`)
	errUnterminated    = errors.New(`quoted field not closed`)
	errAfterCloseQuote = errors.New(`text after a closing " in a quoted field`)
)

// splitCSV splits one RFC 4180 record into fields, appending to dst.
func splitCSV(rec []byte, dst []string) ([]string, error) {
	for {
		if len(rec) > 0 && rec[0] == '"' {
			field, rest, err := quotedField(rec[1:])
			if err != nil {
				return nil, err
			}
			dst = append(dst, field)
			if len(rest) == 0 {
				return dst, nil
			}
			if rest[0] != ',' {
				return nil, errAfterCloseQuote
			}
			rec = rest[1:]
			continue
		}
		field, rest, found := bytes.Cut(rec, []byte{','})
		if bytes.IndexByte(field, '"') >= 0 {
			return nil, errBareQuote
		}
		dst = append(dst, string(field))
		if !found {
			return dst, nil
		}
		rec = rest
	}
}

// quotedField reads a quoted field whose opening quote is already consumed
// and returns it unescaped with the rest of the record after its closing quote.
func quotedField(rec []byte) (string, []byte, error) {
	var b strings.Builder
	for {
		i := bytes.IndexByte(rec, '"')
		if i < 0 {
			return "", nil, errUnterminated
		}
		b.Write(rec[:i])
		rec = rec[i+1:]
		if len(rec) == 0 || rec[0] != '"' {
			return b.String(), rec, nil
		}
		b.WriteByte('"') // "" is an escaped quote
		rec = rec[1:]
	}
}
