package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/progress"
)

// maxAttempts bounds how often one batch is tried when the store is
// unavailable (a restart, lock contention). Retrying is safe: the store
// recognizes the articles it already has and matches the unmatched ones.
const maxAttempts = 5

// backfiller buffers fingerprinted articles and writes them a batch at a
// time: one insert transaction and one cluster transaction
// (dedup.Service.IngestPrepared), then the checkpoint, so that the
// checkpoint never runs ahead of what is stored. Rejects are written to
// the reject file with the batch they were read among.
type backfiller struct {
	svc     *dedup.Service  // nil for a dry run
	cps     checkpointStore // nil when the run cannot resume
	name    string          // of the checkpoint
	inputs  []string
	rejects *archive.RejectWriter
	size    int
	prog    *progress.Reporter
	logger  *slog.Logger
	retry   time.Duration // first wait before a retry; doubles

	batch    []*dedup.Prepared
	pos      []archive.Position // of each article of batch
	rejected []*archive.RejectError
	last     archive.Position // of the last record added
	consumed int64            // records added since the last flush
	records  int64            // records before this run, from the checkpoint

	stats    stats
	start    time.Time
	finished bool
}

// add takes one record through the pipeline and flushes a full batch.
// Batches hold a fixed number of articles, so a resumed run cuts the same
// batches as the run it resumes.
func (b *backfiller) add(ctx context.Context, it *item) error {
	b.last = it.pos
	b.consumed++
	if it.rej != nil {
		b.rejected = append(b.rejected, it.rej)
		return nil
	}
	b.batch = append(b.batch, it.p)
	b.pos = append(b.pos, it.pos)
	if len(b.batch) < b.size {
		return nil
	}
	return b.flush(ctx)
}

// flush writes the buffered articles and rejects and commits the position
// of the last record added.
func (b *backfiller) flush(ctx context.Context) error {
	if b.consumed == 0 {
		return nil
	}
	if err := b.ingest(ctx); err != nil {
		return err
	}
	for _, r := range b.rejected {
		if err := b.rejects.Write(r); err != nil {
			return err
		}
	}
	// The rejects reach the file before the checkpoint that covers them, so
	// a crash can repeat a reject line but never lose one.
	if err := b.rejects.Flush(); err != nil {
		return err
	}
	b.records += b.consumed
	if b.cps != nil {
		c, err := newCheckpoint(b.inputs, b.last, b.records)
		if err != nil {
			return err
		}
		if err := saveCheckpoint(ctx, b.cps, b.name, c); err != nil {
			return err
		}
	}
	b.stats.read += b.consumed
	b.stats.rejected += int64(len(b.rejected))
	b.prog.Add(b.consumed)
	b.batch, b.pos, b.rejected, b.consumed = b.batch[:0], b.pos[:0], b.rejected[:0], 0
	return nil
}

// ingest stores the batch, or for a dry run only counts it.
func (b *backfiller) ingest(ctx context.Context) error {
	if len(b.batch) == 0 {
		return nil
	}
	if b.svc == nil {
		b.stats.countDry(b.batch)
		return nil
	}
	wait := b.retry
	for attempt := 1; ; attempt++ {
		items, err := b.svc.IngestPrepared(ctx, b.batch, false)
		if err == nil {
			b.tally(items)
			return nil
		}
		if !errors.Is(err, dedup.ErrUnavailable) || attempt == maxAttempts {
			return fmt.Errorf("store batch ending at %s: %w", b.last, err)
		}
		b.logger.Warn("store unavailable; retrying the batch", "error", err, "attempt", attempt, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait *= 2
	}
}

// tally counts a stored batch's outcomes. An article whose item carries an
// error (none do today: IngestPrepared takes prepared articles) is
// rejected with its position.
func (b *backfiller) tally(items []dedup.BatchItem) {
	for i, it := range items {
		if it.Err != nil {
			b.rejected = append(b.rejected, &archive.RejectError{Pos: b.pos[i], Reason: ReasonInvalidArticle, Err: it.Err})
			continue
		}
		b.stats.countResult(it.Result)
	}
}

// Summary messages.
const (
	msgFinished    = "backfill finished"
	msgInterrupted = "backfill interrupted"
	msgFailed      = "backfill failed"
	msgDryRun      = "dry run finished"
)

// finish flushes what is buffered, stops the progress display and logs the
// summary with msg (msgFinished or msgInterrupted). Calls after the first
// do nothing.
func (b *backfiller) finish(ctx context.Context, msg string) error {
	if b.finished {
		return nil
	}
	err := b.flush(ctx)
	if err != nil {
		msg = msgFailed
	}
	b.stop(msg)
	return err
}

// abort stops the progress display and logs the summary without writing
// what is buffered, after a store error.
func (b *backfiller) abort() {
	if !b.finished {
		b.stop(msgFailed)
	}
}

func (b *backfiller) stop(msg string) {
	b.finished = true
	b.prog.Finish()
	b.stats.elapsed = time.Since(b.start)
	if b.svc == nil && msg == msgFinished {
		msg = msgDryRun
	}
	b.stats.log(b.logger, msg, b.svc == nil, b.rejects.Counts())
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
