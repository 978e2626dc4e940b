// Package archive reads backfill inputs as a stream of articles: JSONL (the
// API's article fields or the docs.jsonl format of the eval sets), ninjs JSON
// lines, CSV with a header, and trees of .txt/.html files, each optionally
// gzip-compressed, or stdin.
//
// Every record carries a Position exact enough to resume after a crash: a
// caller commits the position of the last record it has stored and passes
// it back as Options.After. Bad records do not stop a reader: Next returns
// them as a *RejectError and goes on with the next one.
//
// Memory is bounded by Options.MaxRecordBytes: no input is read whole.
package archive

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// DefaultMaxRecordBytes is the default limit on one record: the same 2 MiB
// the HTTP API accepts in one request body.
const DefaultMaxRecordBytes = 2 << 20

// ErrNotResumable means Options.After was given for stdin, which cannot be
// read again.
var ErrNotResumable = errors.New("stdin cannot be resumed")

// Position says where a record came from. Passing the position of a record
// as Options.After makes Open skip everything up to and including it.
type Position struct {
	// Input is the path given to Open: a file, a directory or "-".
	Input string
	// File is the file the record came from: Input itself or, for a
	// directory tree, a file below it.
	File string
	// Line is the 1-based line on which the record starts; 0 for the files
	// of a tree, which are one record each.
	Line int64
	// Offset is the byte offset just past the record in the decompressed
	// file, where the next record starts; 0 for the files of a tree.
	Offset int64
}

// String formats the position as file:line for messages.
func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Record is one article read from an input.
type Record struct {
	Input dedup.ArticleInput
	Pos   Position
}

// Format names an input format.
type Format string

// Input formats.
const (
	FormatJSONL Format = "jsonl" // API fields or eval docs.jsonl, detected per line
	FormatNinjs Format = "ninjs" // one IPTC ninjs document per line
	FormatCSV   Format = "csv"   // a header line, then one article per record
	FormatDir   Format = "dir"   // a tree of .txt and .html files, one article each
)

// Options configures Open. The zero value reads by extension with the
// default limits.
type Options struct {
	// Format overrides the format DetectFormat would choose.
	Format Format
	// MaxRecordBytes rejects longer records; 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
	// Source is given to records that name no source. For a directory tree
	// it defaults to the directory's base name.
	Source string
	// Columns maps article fields (external_id, url, title, body, format,
	// source, published_at, language, version) to CSV column names. A field
	// left out is read from the column of the same name, or for
	// external_id, body and published_at from "id", "text" and "published".
	Columns map[string]string
	// ParseNinjs turns one ninjs document into an article; nil means
	// internal/ninjs, with Source for documents whose uri names no
	// provider. A *RejectError from it keeps its reason; any other error
	// rejects the line as malformed.
	ParseNinjs func(doc []byte) (dedup.ArticleInput, error)
	// After, when set, skips everything up to and including this position.
	// Plain files are seeked to After.Offset; gzip streams cannot seek and
	// are read and discarded up to it; a tree skips the files up to
	// After.File in walk order. Stdin cannot be resumed (ErrNotResumable).
	After *Position
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
}

func (o Options) withDefaults() Options {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.ParseNinjs == nil {
		o.ParseNinjs = ninjsArticles(o.Source)
	}
	return o
}

// DetectFormat chooses a format from a path: a directory is FormatDir, and
// files go by extension after any ".gz": .jsonl, .ndjson and .json are
// FormatJSONL, .ninjs and .ninjs.jsonl FormatNinjs, .csv FormatCSV. Stdin
// ("-") is FormatJSONL.
func DetectFormat(path string) (Format, error) {
	if path == "-" {
		return FormatJSONL, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return FormatDir, nil
	}
	name := strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
	switch {
	case strings.HasSuffix(name, ".ninjs"), strings.HasSuffix(name, ".ninjs.jsonl"):
		return FormatNinjs, nil
	case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".json"):
		return FormatJSONL, nil
	case strings.HasSuffix(name, ".csv"):
		return FormatCSV, nil
	}
	return "", fmt.Errorf("%s: unknown format: name it .jsonl, .ninjs, .csv (optionally .gz) or choose a format", path)
}

// decoder is one format's record loop.
type decoder interface {
	next() (Record, error)
}

// Reader streams the records of one input. It is not safe for concurrent use.
type Reader struct {
	dec    decoder
	closer io.Closer
}

// Next returns the next record, io.EOF at the end of the input, a
// *RejectError for a bad record that was skipped (call Next again to go
// on), or any other error when the input cannot be read further.
func (r *Reader) Next() (Record, error) {
	return r.dec.next()
}

// Close releases the input.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// Open starts reading an input: a file, a directory or "-" for stdin.
func Open(input string, opts Options) (*Reader, error) {
	opts = opts.withDefaults()
	format := opts.Format
	if format == "" {
		f, err := DetectFormat(input)
		if err != nil {
			return nil, err
		}
		format = f
	}
	if opts.After != nil {
		if input == "-" {
			return nil, ErrNotResumable
		}
		if opts.After.Input != input {
			return nil, fmt.Errorf("resume %s from a position in %s", input, opts.After.Input)
		}
	}
	switch format {
	case FormatDir:
		return openDir(input, opts)
	case FormatJSONL, FormatNinjs, FormatCSV:
		return openFile(input, format, opts)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}
