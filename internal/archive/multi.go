package archive

import (
	"errors"
	"fmt"
	"io"
)

// MultiReader reads several inputs one after another, as a backfill of
// "INPUT..." does. Each record's Pos.Input says which input it came from,
// so one committed position resumes the whole list.
type MultiReader struct {
	inputs []string
	opts   Options
	i      int
	cur    *Reader
}

// OpenAll prepares to read inputs in order. With opts.After set, the inputs
// before After.Input are skipped and After.Input resumes after the
// position; it is an error if After.Input is not among inputs. Inputs are
// opened one at a time, as they are reached.
func OpenAll(inputs []string, opts Options) (*MultiReader, error) {
	m := &MultiReader{inputs: inputs, opts: opts}
	if opts.After == nil {
		return m, nil
	}
	for i, in := range inputs {
		if in == opts.After.Input {
			m.i = i
			return m, nil
		}
	}
	return nil, fmt.Errorf("resume: %s is not among the inputs", opts.After.Input)
}

// Next returns the next record of the current input, moving on to the
// next input at the end of one. Like Reader.Next it returns io.EOF after
// the last input and *RejectError for skipped records.
func (m *MultiReader) Next() (Record, error) {
	for {
		if m.cur == nil {
			if m.i == len(m.inputs) {
				return Record{}, io.EOF
			}
			if err := m.open(); err != nil {
				return Record{}, err
			}
		}
		rec, err := m.cur.Next()
		if !errors.Is(err, io.EOF) {
			return rec, err
		}
		if err := m.cur.Close(); err != nil {
			return Record{}, err
		}
		m.cur = nil
		m.i++
	}
}

func (m *MultiReader) open() error {
	opts := m.opts
	if opts.After != nil && opts.After.Input != m.inputs[m.i] {
		opts.After = nil
	}
	// Only the first input opened resumes: an input listed twice is read
	// whole the second time.
	m.opts.After = nil
	r, err := Open(m.inputs[m.i], opts)
	if err != nil {
		return err
	}
	m.cur = r
	return nil
}

// Close releases the current input.
func (m *MultiReader) Close() error {
	if m.cur == nil {
		return nil
	}
	err := m.cur.Close()
	m.cur = nil
	return err
}
