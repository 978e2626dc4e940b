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
	"github.com/newsdedup/newsdedup/internal/store"
)

// maxAttempts bounds how often one batch is tried when the store is
// unavailable (a restart, lock contention). Retrying is safe: the store
// recognizes the articles it already has and matches the unmatched ones.
const maxAttempts = 5

// backfiller buffers fingerprinted articles and writes them a batch at a
// time: one insert transaction and matching (dedup.Service.StoreAndMatch),
// one cluster transaction (Attach), then the checkpoint, so that the
// checkpoint never runs ahead of what is stored. A batch is attached while
// the next one is read and fingerprinted; it is stored and matched only
// once the one before it is attached, since matching reads the clusters
// that attaching changes (see StoreAndMatch).
// Rejects are written to the reject file with the batch they were read
// among, before its checkpoint.
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

	inflight *flight // the batch being attached, if any
	maint    maintainer

	stats    stats
	start    time.Time
	finished bool
}

// flight is a stored and matched batch on its way through Attach, with
// what completing it needs.
type flight struct {
	batch    []*dedup.Prepared
	pos      []archive.Position
	rejected []*archive.RejectError
	last     archive.Position
	consumed int64

	done  chan struct{} // closed when items and err are set
	items []dedup.BatchItem
	err   error
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

// flush stores the buffered articles, completes the batch before them (see
// settle), matches them, and starts attaching them in the background.
// A dry run completes each batch at once.
func (b *backfiller) flush(ctx context.Context) error {
	if b.consumed == 0 {
		return nil
	}
	f := &flight{batch: b.batch, pos: b.pos, rejected: b.rejected, last: b.last, consumed: b.consumed, done: make(chan struct{})}
	b.batch, b.pos, b.rejected, b.consumed = nil, nil, nil, 0
	if b.svc == nil {
		b.stats.countDry(f.batch)
		close(f.done)
		return b.complete(ctx, f)
	}
	// Storing changes no cluster: it overlaps the previous batch's attach.
	sb, err := b.store(ctx, f)
	if err != nil {
		return err
	}
	if err := b.settle(ctx); err != nil {
		return err
	}
	mb, err := b.match(ctx, f, sb)
	if err != nil {
		return err
	}
	b.inflight = f
	go func() {
		defer close(f.done)
		f.items, f.err = b.attach(ctx, f, mb)
	}()
	return nil
}

// settle waits for the batch being attached and completes it.
func (b *backfiller) settle(ctx context.Context) error {
	f := b.inflight
	if f == nil {
		return nil
	}
	b.inflight = nil
	<-f.done
	if f.err != nil {
		return f.err
	}
	b.tally(f)
	return b.complete(ctx, f)
}

// complete writes a stored batch's rejects and commits the position of its
// last record.
func (b *backfiller) complete(ctx context.Context, f *flight) error {
	for _, r := range f.rejected {
		if err := b.rejects.Write(r); err != nil {
			return err
		}
	}
	// The rejects reach the file before the checkpoint that covers them, so
	// a crash can repeat a reject line but never lose one.
	if err := b.rejects.Flush(); err != nil {
		return err
	}
	b.records += f.consumed
	if b.cps != nil {
		c, err := newCheckpoint(b.inputs, f.last, b.records)
		if err != nil {
			return err
		}
		if err := saveCheckpoint(ctx, b.cps, b.name, c); err != nil {
			return err
		}
	}
	b.stats.read += f.consumed
	b.stats.rejected += int64(len(f.rejected))
	b.prog.Add(f.consumed)
	b.maint.add(ctx, f.consumed)
	return nil
}

// maintainer runs the store's maintenance in the background every so many
// records: a bulk load outruns autovacuum, and without a visibility map
// and statistics the candidate lookups slow down as the tables grow.
// Between those runs it does what autovacuum would where autovacuum is off
// (see keepUp).
type maintainer struct {
	st      database // nil for a dry run
	every   int64    // records between runs; 0 means never
	logger  *slog.Logger
	since   int64         // records since the last run started
	running chan struct{} // closed when the run in progress ends; nil when none
}

// off reports a dry run or -maintain-every 0: no maintenance of any kind.
func (m *maintainer) off() bool { return m.st == nil || m.every == 0 }

// add counts records and starts a run when enough have passed and none is
// in progress.
func (m *maintainer) add(ctx context.Context, records int64) {
	if m.off() {
		return
	}
	m.since += records
	if m.since < m.every || m.busy() {
		return
	}
	m.since = 0
	m.start(ctx)
}

func (m *maintainer) busy() bool {
	if m.running == nil {
		return false
	}
	select {
	case <-m.running:
		return false
	default:
		return true
	}
}

func (m *maintainer) start(ctx context.Context) {
	done := make(chan struct{})
	m.running = done
	go func() {
		defer close(done)
		t := time.Now()
		if err := m.st.Maintain(ctx); err != nil {
			// Only speed depends on it: go on loading.
			m.logger.Warn("store maintenance failed", "error", err)
			return
		}
		m.logger.Info("store maintained", "duration", time.Since(t).Round(time.Millisecond))
	}()
}

// keepUp does, until stop is called, what autovacuum would do where it is
// off (store.StartMaintenance): above all it vacuums article_keys every
// ~10,000 articles (migration 0006), so that candidate lookups read the
// newest postings from the index alone rather than from the table too.
// The runs every so many records vacuum and analyze every table, too
// seldom for that. stop lets a vacuum in progress end.
func (m *maintainer) keepUp(ctx context.Context) (stop func()) {
	if m.off() {
		return func() {}
	}
	return store.StartMaintenance(ctx, m.st, store.MaintainEvery, m.logger)
}

// finish waits for a run in progress and, when records came in since the
// last run, runs it once more, so the store is left ready for queries.
func (m *maintainer) finish(ctx context.Context) {
	if m.off() {
		return
	}
	m.wait()
	if m.since > 0 {
		m.since = 0
		m.start(ctx)
		m.wait()
	}
}

// wait waits for a run in progress.
func (m *maintainer) wait() {
	if m.running != nil {
		<-m.running
	}
}

// store stores a batch's new articles, retrying while the store is
// unavailable: the store recognizes what a failed try already stored.
func (b *backfiller) store(ctx context.Context, f *flight) (*dedup.StoredBatch, error) {
	var sb *dedup.StoredBatch
	err := b.withRetry(ctx, f, func() error {
		var err error
		sb, err = b.svc.StoreBatch(ctx, f.batch)
		return err
	})
	return sb, err
}

// match matches a stored batch. When the store was unavailable a retry
// stores and matches the batch again: storing again finds the articles.
func (b *backfiller) match(ctx context.Context, f *flight, sb *dedup.StoredBatch) (*dedup.MatchedBatch, error) {
	var mb *dedup.MatchedBatch
	err := b.withRetry(ctx, f, func() error {
		var err error
		if sb != nil {
			mb, err = b.svc.Match(ctx, sb)
			sb = nil
		} else {
			mb, err = b.svc.StoreAndMatch(ctx, f.batch)
		}
		return err
	})
	return mb, err
}

// attach runs the second half of a batch. When the store was unavailable
// a retry runs the whole batch again: storing again finds the articles and
// matches those whose attach did not commit.
func (b *backfiller) attach(ctx context.Context, f *flight, mb *dedup.MatchedBatch) ([]dedup.BatchItem, error) {
	var items []dedup.BatchItem
	err := b.withRetry(ctx, f, func() error {
		var err error
		if mb != nil {
			items, err = b.svc.Attach(ctx, mb, false)
			mb = nil
		} else {
			items, err = b.svc.IngestPrepared(ctx, f.batch, false)
		}
		return err
	})
	return items, err
}

// withRetry calls try until it succeeds, fails with an error other than
// dedup.ErrUnavailable, or has failed maxAttempts times, waiting longer
// after each failure.
func (b *backfiller) withRetry(ctx context.Context, f *flight, try func() error) error {
	wait := b.retry
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil {
			return nil
		}
		if !errors.Is(err, dedup.ErrUnavailable) || attempt == maxAttempts {
			return fmt.Errorf("store batch ending at %s: %w", f.last, err)
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
func (b *backfiller) tally(f *flight) {
	for i, it := range f.items {
		if it.Err != nil {
			f.rejected = append(f.rejected, &archive.RejectError{Pos: f.pos[i], Reason: ReasonInvalidArticle, Err: it.Err})
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
	if err == nil {
		err = b.settle(ctx)
	}
	if err != nil {
		msg = msgFailed
	}
	if msg == msgFinished {
		b.maint.finish(ctx)
	} else {
		b.maint.wait() // an interrupted run ends quickly
	}
	b.stop(msg)
	return err
}

// abort stops the progress display and logs the summary without writing
// what is buffered, after a store error.
func (b *backfiller) abort() {
	if f := b.inflight; f != nil {
		// Let the attach end; its batch is stored but not checkpointed,
		// which a resumed run recognizes.
		<-f.done
		b.inflight = nil
	}
	b.maint.wait()
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
	if b.svc != nil {
		cs := b.svc.ProfileCacheStats()
		b.logger.Debug("profile cache", "hits", cs.Hits, "misses", cs.Misses)
	}
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
