// Command bench measures newsdedup against the tools people would
// otherwise use, on the same data in one run, and measures how the
// service's cost grows with the corpus.
//
//	bench [quality] [flags]  every labelled benchmark through newsdedup and each peer, scored by score.py
//	bench tune [flags]       search each peer's settings on eval/newsdup-dev
//	bench curve [flags]      cost per article against stored count, online protocol
//	bench scale [flags]      10k/100k/1M articles in Postgres through the HTTP API, under load
//	bench plot [flags]       PNGs of the curve and scale results into docs/
//
// Each system runs in a child process (the binary re-executes itself), so
// that the peak RSS reported is that system's own. Results go under -out
// (outside the repository by default: predictions name benchmark ids).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run dispatches to the command named by the first argument.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "quality"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case cmdChild:
		return runChild(ctx, args, stdout, stderr)
	case "quality", "tune", "curve", "scale", "plot":
	default:
		return fmt.Errorf("unknown command %q (want quality, tune, curve, scale or plot)", cmd)
	}
	cfg, err := parseConfig(cmd, args, getenv, stderr)
	if err != nil {
		return err
	}
	switch cmd {
	case "tune":
		return runTune(ctx, cfg, stdout, stderr)
	case "curve":
		return runCurve(ctx, cfg, stdout, stderr)
	case "scale":
		return runScale(ctx, cfg, stdout, stderr)
	case "plot":
		return runPlot(cfg, stdout)
	}
	return runQuality(ctx, cfg, stdout, stderr)
}
