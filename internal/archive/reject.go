package archive

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Reason classifies a rejected record.
type Reason string

// Reasons a record is rejected.
const (
	ReasonMalformed    Reason = "malformed"     // not valid JSON, CSV or ninjs
	ReasonMissingBody  Reason = "missing body"  // no body, or only white space
	ReasonInvalidUTF8  Reason = "invalid utf-8" // the record is not valid UTF-8
	ReasonOversize     Reason = "oversize"      // longer than Options.MaxRecordBytes
	ReasonInvalidField Reason = "invalid field" // a field has a bad value (format, published_at, version)
	ReasonUnreadable   Reason = "unreadable"    // a file of a tree could not be read
	ReasonNotUsable    Reason = "not usable"    // a ninjs document that is canceled or withheld
)

// RejectError is a bad record that a Reader skipped. Its Pos is a valid
// resume position like any record's.
type RejectError struct {
	Pos    Position
	Reason Reason
	Err    error // what exactly is wrong; may be nil
}

func (e *RejectError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s: %s", e.Pos, e.Reason)
	}
	return fmt.Sprintf("%s: %s: %v", e.Pos, e.Reason, e.Err)
}

// Unwrap returns the detail error.
func (e *RejectError) Unwrap() error { return e.Err }

func reject(reason Reason, format string, args ...any) *RejectError {
	return &RejectError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// RejectWriter writes rejected records to a reject file, one TSV line each:
// file, line, reason, detail (tabs and line breaks in a field become
// spaces). It counts rejects by reason. It is safe for concurrent use.
type RejectWriter struct {
	mu     sync.Mutex
	w      *bufio.Writer
	counts map[Reason]int64
}

// NewRejectWriter returns a RejectWriter that writes to w.
func NewRejectWriter(w io.Writer) *RejectWriter {
	return &RejectWriter{w: bufio.NewWriter(w), counts: make(map[Reason]int64)}
}

// Write records one reject. Call Flush before committing a checkpoint that
// covers it, so a crash cannot lose it.
func (rw *RejectWriter) Write(e *RejectError) error {
	detail := ""
	if e.Err != nil {
		detail = e.Err.Error()
	}
	line := strings.Join([]string{
		tsvField(e.Pos.File), strconv.FormatInt(e.Pos.Line, 10),
		tsvField(string(e.Reason)), tsvField(detail),
	}, "\t")
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.counts[e.Reason]++
	if _, err := rw.w.WriteString(line + "\n"); err != nil {
		return fmt.Errorf("write reject: %w", err)
	}
	return nil
}

// Flush writes buffered rejects to the underlying writer.
func (rw *RejectWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if err := rw.w.Flush(); err != nil {
		return fmt.Errorf("flush rejects: %w", err)
	}
	return nil
}

// Counts returns how many rejects were written, by reason.
func (rw *RejectWriter) Counts() map[Reason]int64 {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	out := make(map[Reason]int64, len(rw.counts))
	for r, n := range rw.counts {
		out[r] = n
	}
	return out
}

var tsvReplacer = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

func tsvField(s string) string { return tsvReplacer.Replace(s) }
