package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

var gzipMagic = []byte{0x1f, 0x8b}

// stream is an opened file or stdin, decompressed when it is gzip.
type stream struct {
	f          *os.File // nil for stdin
	raw        *bufio.Reader
	gz         *gzip.Reader
	src        *lineSource
	compressed bool
}

// Close closes the decompressor and the file.
func (s *stream) Close() error {
	if s.gz != nil {
		s.gz.Close()
	}
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// openStream opens input and sniffs the gzip magic bytes, so compressed
// files are recognised with or without a .gz suffix.
func openStream(input string, opts Options) (*stream, error) {
	s := &stream{}
	var r io.Reader = opts.Stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return nil, err
		}
		s.f, r = f, f
	}
	s.raw = bufio.NewReaderSize(r, bufSize)
	magic, _ := s.raw.Peek(2) // a short or empty input is simply not gzip
	if !bytes.Equal(magic, gzipMagic) {
		s.src = newLineSource(s.raw, opts.MaxRecordBytes)
		return s, nil
	}
	gz, err := gzip.NewReader(s.raw)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", input, err)
	}
	s.gz, s.compressed = gz, true
	s.src = newLineSource(gz, opts.MaxRecordBytes)
	return s, nil
}

// seek continues the stream at byte offset off of the decompressed input.
// A plain file is seeked; its line count is taken from line when line >= 0
// and counted otherwise. A gzip stream is read and dropped up to off.
func (s *stream) seek(off, line int64) error {
	if s.compressed || s.f == nil {
		return s.src.skipTo(off)
	}
	if err := checkBoundary(s.f, off); err != nil {
		return err
	}
	if line < 0 {
		n, err := countLines(io.NewSectionReader(s.f, 0, off))
		if err != nil {
			return err
		}
		line = n
	}
	if _, err := s.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	s.raw.Reset(s.f)
	s.src.off, s.src.line = off, line
	return nil
}

// checkBoundary makes sure off is the end of a line of f, or the end of f,
// as every committed offset is. Anything else means f changed since.
func checkBoundary(f *os.File, off int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if off == 0 || off == fi.Size() {
		return nil
	}
	if off > fi.Size() {
		return fmt.Errorf("checkpoint offset %d is past the end of the input (%d bytes)", off, fi.Size())
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off-1); err != nil {
		return err
	}
	if b[0] != '\n' {
		return fmt.Errorf("checkpoint offset %d is not at the end of a line", off)
	}
	return nil
}

// openFile opens a line-oriented input (JSONL, ninjs or CSV).
func openFile(input string, format Format, opts Options) (*Reader, error) {
	s, err := openStream(input, opts)
	if err != nil {
		return nil, err
	}
	dec, err := newFileDecoder(input, format, s, opts)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &Reader{dec: dec, closer: s}, nil
}

func newFileDecoder(input string, format Format, s *stream, opts Options) (decoder, error) {
	if format == FormatCSV {
		return newCSVDecoder(input, s, opts)
	}
	d := &jsonlDecoder{input: input, src: s.src, source: opts.Source, parse: ParseLine}
	if format == FormatNinjs {
		d.parse = ninjsParser(opts.ParseNinjs)
	}
	if opts.After != nil {
		if err := s.seek(opts.After.Offset, opts.After.Line); err != nil {
			return nil, fmt.Errorf("resume %s: %w", input, err)
		}
	}
	return d, nil
}
