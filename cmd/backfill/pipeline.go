package main

import (
	"context"
	"errors"
	"io"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

// ReasonInvalidArticle is the reject reason of a record the reader
// accepted but dedup.Prepare did not (no words to match, a field too long).
const ReasonInvalidArticle archive.Reason = "invalid article"

// item is one record on its way through the pipeline: read, then
// fingerprinted by a worker. Exactly one of p and rej is set once done is
// closed.
type item struct {
	in   dedup.ArticleInput
	pos  archive.Position
	p    *dedup.Prepared
	rej  *archive.RejectError
	done chan struct{}
}

// recordReader is an archive reader: archive.MultiReader or a test's.
type recordReader interface {
	Next() (archive.Record, error)
}

// pipeline reads records in one goroutine and fingerprints them on
// several, delivering them on out in input order: the reader queues each
// item on out as it reads it, and the consumer waits for each item's done.
// At most cap(out) items are in flight, which bounds memory.
type pipeline struct {
	out chan *item
	// err is why reading stopped early (nil at the end of the input); read
	// it only after out is closed.
	err error
}

// startPipeline starts reading r. Reading stops at the end of the input, at
// a read error or when ctx is done; out is closed then. The caller must
// drain out before closing r.
func startPipeline(ctx context.Context, r recordReader, skip *skipper, workers, depth int) *pipeline {
	p := &pipeline{out: make(chan *item, depth)}
	jobs := make(chan *item, workers)
	for range workers {
		go func() {
			for it := range jobs {
				it.prepare()
			}
		}()
	}
	go func() {
		defer close(p.out)
		defer close(jobs)
		p.err = p.read(ctx, r, skip, jobs)
	}()
	return p
}

func (p *pipeline) read(ctx context.Context, r recordReader, skip *skipper, jobs chan<- *item) error {
	for {
		rec, err := r.Next()
		var rej *archive.RejectError
		switch {
		case errors.Is(err, io.EOF):
			return skip.finish()
		case errors.As(err, &rej):
			rec.Pos = rej.Pos
		case err != nil:
			return err
		}
		if skip.skip(rec.Pos) {
			continue
		}
		it := &item{in: rec.Input, pos: rec.Pos, rej: rej, done: make(chan struct{})}
		// A job is handed to a worker before it is queued on out, so that
		// every queued item is sure to be done eventually.
		if rej != nil {
			close(it.done)
		} else if err := send(ctx, jobs, it); err != nil {
			return err
		}
		if err := send(ctx, p.out, it); err != nil {
			return err
		}
	}
}

func send(ctx context.Context, ch chan<- *item, it *item) error {
	select {
	case ch <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// prepare validates and fingerprints the item's article.
func (it *item) prepare() {
	defer close(it.done)
	p, err := dedup.Prepare(it.in)
	if err != nil {
		it.rej = &archive.RejectError{Pos: it.pos, Reason: ReasonInvalidArticle, Err: err}
		return
	}
	it.p = p
}
