package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

// checkpoint is the stored resume position of a backfill: the last record
// of the last committed batch. It names the input by its index and a tree's
// file by its path below the input, so that a run started from another
// directory with the same inputs resumes too.
type checkpoint struct {
	Input  int    `json:"input"`
	File   string `json:"file,omitempty"` // slash-separated, below a tree's root
	Line   int64  `json:"line"`
	Offset int64  `json:"offset"`
	// Records counts the records (rejects included) read up to here over
	// every run, for the progress total of a resumed run.
	Records int64 `json:"records"`
}

// checkpointName derives a checkpoint name from the inputs' absolute
// paths, so that the same command finds its checkpoint again.
func checkpointName(inputs []string) (string, error) {
	h := sha256.New()
	for _, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n", abs)
	}
	return "backfill:" + filepath.Base(inputs[0]) + ":" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// newCheckpoint turns the position of a record into a checkpoint.
func newCheckpoint(inputs []string, pos archive.Position, records int64) (checkpoint, error) {
	i := indexOf(inputs, pos.Input)
	if i < 0 {
		return checkpoint{}, fmt.Errorf("position in %s, which is not an input", pos.Input)
	}
	c := checkpoint{Input: i, Line: pos.Line, Offset: pos.Offset, Records: records}
	if pos.File != pos.Input {
		rel, err := filepath.Rel(pos.Input, pos.File)
		if err != nil {
			return checkpoint{}, err
		}
		c.File = filepath.ToSlash(rel)
	}
	return c, nil
}

// position turns a checkpoint back into the position it was made from.
func (c checkpoint) position(inputs []string) (archive.Position, error) {
	if c.Input < 0 || c.Input >= len(inputs) {
		return archive.Position{}, fmt.Errorf("checkpoint names input %d of %d", c.Input+1, len(inputs))
	}
	in := inputs[c.Input]
	pos := archive.Position{Input: in, File: in, Line: c.Line, Offset: c.Offset}
	if c.File != "" {
		pos.File = filepath.Join(in, filepath.FromSlash(c.File))
	}
	return pos, nil
}

func indexOf(inputs []string, in string) int {
	for i, s := range inputs {
		if s == in {
			return i
		}
	}
	return -1
}

// loadCheckpoint returns the stored checkpoint, or nil when there is none.
func loadCheckpoint(ctx context.Context, st checkpointStore, name string) (*checkpoint, error) {
	v, err := st.GetCheckpoint(ctx, name)
	if errors.Is(err, dedup.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var c checkpoint
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return nil, fmt.Errorf("checkpoint %q holds %q, which is not a backfill position: %w", name, v, err)
	}
	return &c, nil
}

func saveCheckpoint(ctx context.Context, st checkpointStore, name string, c checkpoint) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := st.UpsertCheckpoint(ctx, name, string(b)); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// skipper drops the records up to and including the one -start-after
// names: FILE:LINE for a line of a file, or FILE for a file of a tree.
type skipper struct {
	file    string
	line    int64
	spec    string
	reached bool
}

// newSkipper parses a -start-after value; "" means skip nothing (nil).
func newSkipper(spec string) *skipper {
	if spec == "" {
		return nil
	}
	s := &skipper{file: spec, spec: spec}
	if i := strings.LastIndexByte(spec, ':'); i > 0 {
		if n, err := strconv.ParseInt(spec[i+1:], 10, 64); err == nil && n > 0 {
			s.file, s.line = spec[:i], n
		}
	}
	s.file = filepath.Clean(s.file)
	return s
}

// skip reports whether a record comes at or before the start position.
// The first record of the named file at or past the line ends the
// skipping; it is skipped itself only if it is on that very line.
func (s *skipper) skip(pos archive.Position) bool {
	if s == nil || s.reached {
		return false
	}
	if filepath.Clean(pos.File) != s.file || pos.Line < s.line {
		return true
	}
	s.reached = true
	return pos.Line == s.line
}

// finish fails a run that never reached the start position.
func (s *skipper) finish() error {
	if s == nil || s.reached {
		return nil
	}
	return fmt.Errorf("-start-after %s: no such record in the inputs", s.spec)
}
