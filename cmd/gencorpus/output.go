package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/progress"
)

// batchSize is the number of articles encoded into one buffer before it is
// handed to the writer goroutine.
const batchSize = 256

// doc is one output line, in the field order of the eval docs.jsonl.
type doc struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Source    string `json:"source"`
	Published string `json:"published"`
}

// generate writes n articles from g to w as docs.jsonl lines, and each
// near-duplicate's link to links when it is not nil. Generation and JSON
// encoding run here; writing (and gzip, which costs as much) runs in a
// second goroutine, so two cores are kept busy.
func generate(ctx context.Context, g *generator, n int, w io.Writer, links io.Writer, rep *progress.Reporter) error {
	full := make(chan *bytes.Buffer, 4)
	free := make(chan *bytes.Buffer, 6)
	werr := make(chan error, 1)
	go func() {
		werr <- drain(w, full, free)
	}()
	err := produce(ctx, g, n, full, free, links, rep)
	close(full)
	if wErr := <-werr; err == nil {
		err = wErr
	}
	return err
}

// drain writes buffers until full closes, recycling them through free.
// After a write error it keeps receiving, so the producer never blocks.
func drain(w io.Writer, full <-chan *bytes.Buffer, free chan<- *bytes.Buffer) error {
	var err error
	for buf := range full {
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		buf.Reset()
		select {
		case free <- buf:
		default:
		}
	}
	return err
}

func produce(ctx context.Context, g *generator, n int, full, free chan *bytes.Buffer, links io.Writer, rep *progress.Reporter) error {
	for done := 0; done < n; {
		if err := ctx.Err(); err != nil {
			return err
		}
		var buf *bytes.Buffer
		select {
		case buf = <-free:
		default:
			buf = new(bytes.Buffer)
		}
		k := min(batchSize, n-done)
		if err := encodeBatch(g, k, buf, links); err != nil {
			return err
		}
		full <- buf
		done += k
		rep.Add(int64(k))
	}
	return nil
}

func encodeBatch(g *generator, k int, buf *bytes.Buffer, links io.Writer) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	for range k {
		a, l, err := g.next()
		if err != nil {
			return err
		}
		d := doc{ID: a.id, Title: a.title, Text: a.text(), Source: a.source, Published: a.published.Format(time.RFC3339)}
		if err := enc.Encode(&d); err != nil {
			return err
		}
		if l != nil && links != nil {
			if _, err := fmt.Fprintf(links, "%s\t%s\t%s\n", l.from, l.to, l.relation); err != nil {
				return fmt.Errorf("write pairs: %w", err)
			}
		}
	}
	return nil
}

// output is a destination file, written under a temporary name and renamed
// into place on Close, so that an interrupted run leaves no file that
// looks complete. Names ending in .gz are gzip-compressed; "-" is stdout.
type output struct {
	io.Writer
	f    *os.File
	gz   *gzip.Writer
	bw   *bufio.Writer
	path string
}

func createOutput(path string, stdout io.Writer) (*output, error) {
	o := &output{path: path}
	var w io.Writer = stdout
	if path != "-" {
		f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
		if err != nil {
			return nil, err
		}
		o.f, w = f, f
	}
	o.bw = bufio.NewWriterSize(w, 1<<20)
	o.Writer = o.bw
	if strings.HasSuffix(path, ".gz") {
		// BestSpeed: compression is the slowest stage of a run, and level 6
		// would only save about 15%. The zero header ModTime keeps the
		// bytes reproducible.
		gz, err := gzip.NewWriterLevel(o.bw, gzip.BestSpeed)
		if err != nil {
			o.abort()
			return nil, err
		}
		o.gz, o.Writer = gz, gz
	}
	return o, nil
}

// Close flushes everything and, for a file, renames it into place.
func (o *output) Close() error {
	if o.gz != nil {
		if err := o.gz.Close(); err != nil {
			o.abort()
			return err
		}
	}
	if err := o.bw.Flush(); err != nil {
		o.abort()
		return err
	}
	if o.f == nil {
		return nil
	}
	// CreateTemp makes the file private; the corpus is not a secret.
	if err := o.f.Chmod(0o644); err != nil {
		o.abort()
		return err
	}
	if err := o.f.Close(); err != nil {
		os.Remove(o.f.Name())
		return err
	}
	return os.Rename(o.f.Name(), o.path)
}

// abort drops a file that will not be completed.
func (o *output) abort() {
	if o.f != nil {
		o.f.Close()
		os.Remove(o.f.Name())
	}
}
