package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// bufSize is the read buffer; lines up to this size are returned without a copy.
const bufSize = 256 << 10

// lineSource splits a stream into lines and keeps the count and byte
// offset of what it has consumed. It holds at most max bytes of one line:
// the rest of a longer line is read and dropped.
type lineSource struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int64 // lines consumed
	off  int64 // bytes consumed
	// quotes is the number of '"' in the last line, counted over all of
	// it even when it was too long to keep (CSV needs it to find the end
	// of a record).
	quotes int
}

func newLineSource(r io.Reader, max int) *lineSource {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < bufSize {
		br = bufio.NewReaderSize(r, bufSize)
	}
	return &lineSource{r: br, max: max}
}

// next returns the next line without its line ending. A line longer than
// max is consumed up to its end and reported with tooLong and no content.
// The returned slice is valid until the next call.
func (s *lineSource) next() (line []byte, tooLong bool, err error) {
	s.buf, s.quotes = s.buf[:0], 0
	n, first := 0, true
	for {
		chunk, err := s.r.ReadSlice('\n')
		n += len(chunk)
		s.quotes += bytes.Count(chunk, []byte{'"'})
		if err == nil && first {
			line = chunk // the common case: the whole line is in the buffer
		} else if n <= s.max+2 { // +2 leaves room for "\r\n"
			s.buf = append(s.buf, chunk...)
			line = s.buf
		}
		first = false
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if n == 0 {
			return nil, false, io.EOF
		}
		s.off += int64(n)
		s.line++
		line = trimEOL(line)
		if n > s.max+2 || len(line) > s.max {
			return nil, true, nil
		}
		return line, false, nil
	}
}

// skipTo reads and drops everything up to byte offset off, counting lines.
// It fails unless off falls on a line boundary: a checkpoint that does not
// means the input changed since it was written.
func (s *lineSource) skipTo(off int64) error {
	for s.off < off {
		chunk, err := s.r.ReadSlice('\n')
		if int64(len(chunk)) > off-s.off {
			return fmt.Errorf("checkpoint offset %d is not at the end of a line", off)
		}
		s.off += int64(len(chunk))
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			s.line++
		}
		if errors.Is(err, io.EOF) && s.off < off {
			return fmt.Errorf("checkpoint offset %d is past the end of the input (%d bytes)", off, s.off)
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
	return nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

// countLines counts the lines of r, including a last one without a line ending.
func countLines(r io.Reader) (int64, error) {
	buf := make([]byte, bufSize)
	var n int64
	last := byte('\n')
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			last = buf[k-1]
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}
