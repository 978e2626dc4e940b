package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/newsdedup/newsdedup/internal/progress"
)

// writeAll writes the corpus and the optional pairs file, showing progress
// on stderr, and logs a summary.
func writeAll(ctx context.Context, cfg Config, g *generator, stdout, stderr io.Writer, logger *slog.Logger) error {
	start := time.Now()
	out, err := createOutput(cfg.Out, stdout)
	if err != nil {
		return err
	}
	var pairs *output
	var links io.Writer
	if cfg.Pairs != "" {
		if pairs, err = createOutput(cfg.Pairs, stdout); err != nil {
			out.abort()
			return err
		}
		links = pairs
		fmt.Fprintln(pairs, "id_a\tid_b\trelation")
	}
	rep := progress.New(stderr, progress.Options{Total: int64(cfg.N), Logger: logger})
	rep.Start()
	err = generate(ctx, g, cfg.N, out, links, rep)
	rep.Finish()
	if err != nil {
		out.abort()
		if pairs != nil {
			pairs.abort()
		}
		return err
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", cfg.Out, err)
	}
	if pairs != nil {
		if err := pairs.Close(); err != nil {
			return fmt.Errorf("write %s: %w", cfg.Pairs, err)
		}
	}
	logger.Info("corpus written", "out", cfg.Out, "articles", g.n, "base", g.counts["base"],
		"copy", g.counts[relCopy], "rewrite", g.counts[relRewrite], "partial", g.counts[relPartial],
		"duration", time.Since(start).Round(time.Millisecond))
	return nil
}
