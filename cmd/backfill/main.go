// Command backfill loads archived articles through the dedup engine into the
// store the server uses (Postgres, or the embedded store), resumably.
//
//	backfill [flags] INPUT...   load files, directory trees or - (stdin)
//	backfill -h                 list every flag and its environment variable
//
// A checkpoint is committed after every batch: stopped by a signal, or
// killed, the same command continues where the last batch ended.
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
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, which lets the current batch finish,
		// restore the default handling so that a second one ends the
		// process at once (the checkpoint makes that safe too).
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(os.Stderr, "backfill: interrupted; run the same command again to resume")
		os.Exit(130)
	default:
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
}

// run is one backfill: it returns when the inputs are loaded, at the first
// error, or with errInterrupted once ctx is done and the batch in progress
// is committed. Logs and progress go to stdout; usage to stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stdout)
	logger.Info("starting backfill", "config", cfg)
	if cfg.CPUProfile != "" {
		stopProfile, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	var st database
	if !cfg.DryRun {
		s, closeStore, err := openStore(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer func() {
			if err := closeStore(); err != nil {
				logger.Error("close store", "error", err)
			}
		}()
		st = s
	}
	return backfill(ctx, cfg, st, os.Stdin, stdout, logger)
}

// newLogger builds the process's one logger: text for people, JSON for
// collectors, at the configured level.
func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// startCPUProfile profiles the process into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
