// Command server serves the newsdedup HTTP API over Postgres, or over the
// embedded on-disk store when no database URL is configured.
//
//	server [flags]          serve (migrating first, unless -migrate=false)
//	server migrate [flags]  apply the pending migrations and exit
//	server -h               list every flag and its environment variable
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

	"github.com/newsdedup/newsdedup/internal/gcpolicy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling, so that a
		// second one ends the process at once instead of waiting for the
		// graceful shutdown.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run is the whole server: it returns when ctx is done and the server has
// shut down, or at the first error. Logs go to stdout; usage to stderr.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, cmd, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stdout)
	logger.Info("starting", "command", cmd, "config", cfg)
	gc := gcpolicy.Apply(getenv, gcpolicy.Percent, gcpolicy.MemoryLimit)
	logger.Info("garbage collector", "gogc", gc.Percent, "memory_limit_mib", gc.LimitMiB(), "from_env", gc.FromEnv)

	// -migrate=false only stops serving on an outdated schema; the migrate
	// command always migrates.
	st, closeStore, err := openStore(ctx, cfg, cfg.Migrate || cmd == cmdMigrate, cmd != cmdMigrate, logger)
	if err != nil {
		return err
	}
	// Deferred first, so it runs last: the store closes after the server
	// has stopped and no handler can use it.
	defer func() {
		if err := closeStore(); err != nil {
			logger.Error("close store", "error", err)
		}
	}()
	if cmd == cmdMigrate {
		logger.Info("schema is up to date")
		return nil
	}

	return serveAPI(ctx, cfg, st, logger)
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
