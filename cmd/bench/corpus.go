package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// readDocs reads the docs of a JSON-lines file (gzip-compressed when its
// name ends in .gz), at most limit of them (0: all).
func readDocs(path string, limit int) ([]doc, error) {
	c, err := openCorpus(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var docs []doc
	for limit == 0 || len(docs) < limit {
		d, err := c.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// corpusReader hands out a corpus's docs in order, a slice at a time;
// docs put back are handed out again first.
type corpusReader struct {
	f    *os.File
	zr   *gzip.Reader
	sc   *bufio.Scanner
	path string
	line int
	back []doc
}

func openCorpus(path string) (*corpusReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &corpusReader{f: f, path: path}
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		if c.zr, err = gzip.NewReader(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = c.zr
	}
	c.sc = bufio.NewScanner(r)
	c.sc.Buffer(nil, 64<<20)
	return c, nil
}

// errCorpusShort means the corpus ran out of docs.
var errCorpusShort = errors.New("corpus has too few articles: make a bigger one with cmd/gencorpus")

// next returns the next doc, or io.EOF after the last.
func (c *corpusReader) next() (doc, error) {
	if len(c.back) > 0 {
		d := c.back[0]
		c.back = c.back[1:]
		return d, nil
	}
	if err := c.nextLine(); err != nil {
		if errors.Is(err, io.EOF) {
			return doc{}, err
		}
		return doc{}, fmt.Errorf("%s: %w", c.path, err)
	}
	var d doc
	if err := json.Unmarshal(c.sc.Bytes(), &d); err != nil {
		return doc{}, fmt.Errorf("%s line %d: %w", c.path, c.line, err)
	}
	return d, nil
}

// nextLine moves the scanner to the next line that is not blank: a doc's.
// It returns io.EOF after the last, or the scanner's error.
func (c *corpusReader) nextLine() error {
	for c.sc.Scan() {
		c.line++
		if len(bytes.TrimSpace(c.sc.Bytes())) > 0 {
			return nil
		}
	}
	return cmp.Or(c.sc.Err(), io.EOF)
}

// take returns the next n docs.
func (c *corpusReader) take(n int) ([]doc, error) {
	out := make([]doc, 0, n)
	for len(out) < n {
		d, err := c.next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s after line %d: %w", c.path, c.line, errCorpusShort)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// skip reads past the next n docs.
func (c *corpusReader) skip(n int) error {
	for range n {
		if len(c.back) > 0 {
			c.back = c.back[1:]
			continue
		}
		// Not decoded: a million skipped docs would otherwise cost a core
		// for a minute and leave gigabytes of garbage just before a
		// measurement.
		if err := c.nextLine(); err != nil {
			return fmt.Errorf("%s: skip %d docs: %w", c.path, n, err)
		}
	}
	return nil
}

// putBack makes docs the next ones take returns.
func (c *corpusReader) putBack(docs []doc) {
	c.back = append(append([]doc(nil), docs...), c.back...)
}

func (c *corpusReader) Close() error {
	var err error
	if c.zr != nil {
		err = c.zr.Close()
	}
	return errors.Join(err, c.f.Close())
}
