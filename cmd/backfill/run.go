package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/progress"
)

// errInterrupted means the run stopped at a signal after committing the
// batch in progress; the same command resumes it.
var errInterrupted = errors.New("interrupted")

// resume is where a run starts.
type resume struct {
	name    string            // checkpoint name; "" when the run cannot resume (stdin, dry run)
	after   *archive.Position // nil: from the start
	records int64             // records read by earlier runs
}

// backfill reads cfg.Inputs (stdin for "-") into st (nil for a dry run),
// checkpointing after every batch. Progress goes to stdout.
func backfill(ctx context.Context, cfg *Config, st database, stdin io.Reader, stdout io.Writer, logger *slog.Logger) error {
	if err := checkInputs(cfg); err != nil {
		return err
	}
	res, err := startPosition(ctx, cfg, st, logger)
	if err != nil {
		return err
	}
	rejects, closeRejects, err := openRejects(cfg.Rejects, res.after != nil || cfg.StartAfter != "")
	if err != nil {
		return err
	}
	defer closeRejects()
	opts := archive.Options{Format: cfg.Format, MaxRecordBytes: cfg.MaxRecordBytes, Source: cfg.Source, Columns: cfg.Columns, After: res.after, Stdin: stdin}
	r, err := archive.OpenAll(cfg.Inputs, opts)
	if err != nil {
		return err
	}
	b := &backfiller{
		name: res.name, inputs: cfg.Inputs, rejects: rejects, size: cfg.BatchSize, logger: logger,
		retry: time.Second, records: res.records, stats: newStats(), start: time.Now(),
		prog: progress.New(stdout, progress.Options{
			Total: progressTotal(cfg, opts, res.records, logger), Interval: cfg.Progress, Logger: logger,
		}),
	}
	if st != nil {
		b.svc = dedup.NewService(st, dedup.Options{ProfileCacheBytes: dedup.ProfileCacheMiB(cfg.ProfileCacheMB)})
		b.maint = maintainer{st: st, every: int64(cfg.MaintainEvery), logger: logger}
		if res.name != "" {
			b.cps = st
		}
	}
	return b.run(ctx, r, cfg)
}

// run drives the pipeline. The writes of a batch use a context that a
// signal does not cancel: a signal stops the reading, and the articles
// already fingerprinted are written as a last batch.
func (b *backfiller) run(ctx context.Context, r *archive.MultiReader, cfg *Config) error {
	wctx := context.WithoutCancel(ctx)
	readCtx, cancelRead := context.WithCancel(ctx)
	p := startPipeline(readCtx, r, newSkipper(cfg.StartAfter), cfg.Workers, 2*cfg.BatchSize)
	b.prog.Start()
	stopMaintenance := b.maint.keepUp(wctx)
	err := b.consume(ctx, wctx, p)
	stopMaintenance()
	cancelRead()
	for range p.out {
		// Drain, so the reader is done before the input closes.
	}
	if cerr := r.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close input: %w", cerr)
	}
	if b.finished { // a store error: nothing more can be written
		return err
	}
	msg := msgFinished
	if errors.Is(err, errInterrupted) {
		msg = msgInterrupted
	} else if err != nil {
		msg = msgFailed
	}
	if ferr := b.finish(wctx, msg); ferr != nil {
		return ferr
	}
	return err
}

// consume adds the pipeline's items in order. It returns errInterrupted when
// ctx is done, a read error, or a store error (after aborting b).
func (b *backfiller) consume(ctx, wctx context.Context, p *pipeline) error {
	for it := range p.out {
		if ctx.Err() != nil {
			return errInterrupted
		}
		<-it.done
		if err := b.add(wctx, it); err != nil {
			b.abort()
			return err
		}
	}
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case p.err != nil:
		return fmt.Errorf("read input: %w", p.err)
	}
	return nil
}

// checkInputs fails fast on an input that does not exist or whose format
// cannot be told.
func checkInputs(cfg *Config) error {
	seen := map[string]bool{}
	for _, in := range cfg.Inputs {
		if seen[in] {
			return fmt.Errorf("input %s is named twice", in)
		}
		seen[in] = true
		if in == "-" {
			continue
		}
		if cfg.Format != "" {
			if _, err := os.Stat(in); err != nil {
				return err
			}
			continue
		}
		if _, err := archive.DetectFormat(in); err != nil {
			return err
		}
	}
	return nil
}

// startPosition decides where the run starts: after the stored checkpoint,
// unless -restart or -start-after say otherwise.
func startPosition(ctx context.Context, cfg *Config, st database, logger *slog.Logger) (resume, error) {
	if st == nil || !cfg.resumable() {
		if st != nil {
			logger.Info("stdin cannot be resumed: no checkpoint is kept")
		}
		return resume{}, nil
	}
	res := resume{name: cfg.Checkpoint}
	if res.name == "" {
		name, err := checkpointName(cfg.Inputs)
		if err != nil {
			return resume{}, err
		}
		res.name = name
	}
	if cfg.Restart || cfg.StartAfter != "" {
		logger.Info("not resuming from the checkpoint", "checkpoint", res.name, "restart", cfg.Restart, "start_after", cfg.StartAfter)
		return res, nil
	}
	c, err := loadCheckpoint(ctx, st, res.name)
	if err != nil || c == nil {
		logger.Info("starting from the beginning", "checkpoint", res.name)
		return res, err
	}
	pos, err := c.position(cfg.Inputs)
	if err != nil {
		return resume{}, fmt.Errorf("checkpoint %q: %w", res.name, err)
	}
	res.after, res.records = &pos, c.Records
	logger.Info("resuming after the checkpoint", "checkpoint", res.name, "after", pos.String(), "records_before", c.Records)
	return res, nil
}

// openRejects opens the reject file, appending when the run resumes one
// whose rejects it already holds. Without a file, rejects are only counted.
func openRejects(path string, appendTo bool) (*archive.RejectWriter, func(), error) {
	if path == "" {
		return archive.NewRejectWriter(io.Discard), func() {}, nil
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendTo {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("open reject file: %w", err)
	}
	// Every batch flushes its rejects, so closing loses nothing.
	return archive.NewRejectWriter(f), func() { f.Close() }, nil
}

// progressTotal estimates how many records are left, or 0 when unknown
// (stdin, gzip). Counting reads the inputs once, which is quick next to
// storing them.
func progressTotal(cfg *Config, opts archive.Options, before int64, logger *slog.Logger) int64 {
	opts.After = nil
	n, err := archive.CountAll(cfg.Inputs, opts)
	if err != nil {
		logger.Warn("cannot count the inputs", "error", err)
		return 0
	}
	if n <= 0 {
		return 0
	}
	return max(n-before, 1)
}
