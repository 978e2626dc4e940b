// Command gencorpus writes a large synthetic news corpus for benchmarks,
// in the docs.jsonl format of ../shared/eval. Base articles recombine the
// sentences of the real corpora under -corpora (read in place, never
// copied); a share of the articles (-dup-rate) are syndicated copies,
// spun rewrites or partial reuses of recent ones. The same seed and flags
// over the same corpora give byte-identical output.
//
// The output derives from copyrighted text licensed for research use: keep
// it out of the repository.
//
//	go run ./cmd/gencorpus -n 1000000 -out /tmp/corpus1m.jsonl.gz
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

// run parses the configuration and writes the corpus.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	corpora, err := loadCorpora(cfg.Corpora)
	if err != nil {
		return err
	}
	for _, c := range corpora {
		logger.Info("corpus loaded", "corpus", c.name, "articles", len(c.docs), "topics", len(c.groups))
	}
	g := newGenerator(corpora, cfg.Seed, cfg.DupRate, cfg.Window)
	if cfg.Bases == basesReal {
		if g.real, err = newRealBases(corpora, cfg.Corpora, g.r); err != nil {
			return err
		}
	}
	return writeAll(ctx, cfg, g, stdout, stderr, logger)
}
