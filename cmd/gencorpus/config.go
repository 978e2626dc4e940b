package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
)

// Config is what one gencorpus run needs.
type Config struct {
	N       int     // articles to generate
	Seed    uint64  // same seed, same corpora, same flags: byte-identical output
	Out     string  // output file ("-" for stdout; .gz compresses)
	Pairs   string  // optional pairs.tsv of the near-duplicates made
	DupRate float64 // share of articles that are near-duplicates of earlier ones
	Window  int     // near-duplicates copy one of the last Window articles
	Corpora string  // directory holding reuters21578, bbc_news, helsinki
	Bases   string  // basesRecombined or basesReal
}

// parseConfig reads flags, each defaulting to an environment variable.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: gencorpus [flags]\n\nWrites a synthetic docs.jsonl corpus recombined from the real corpora, with near-duplicates.\n\nFlags:")
		fs.PrintDefaults()
	}
	env := envDefaults{getenv: getenv}
	fs.IntVar(&cfg.N, "n", env.int("DEDUP_GEN_N", 1000), "number of articles (env DEDUP_GEN_N)")
	fs.Uint64Var(&cfg.Seed, "seed", env.uint("DEDUP_GEN_SEED", 1), "random seed (env DEDUP_GEN_SEED)")
	fs.StringVar(&cfg.Out, "out", env.str("DEDUP_GEN_OUT", "-"), "output file, - for stdout; a .gz name is gzip-compressed (env DEDUP_GEN_OUT)")
	fs.StringVar(&cfg.Pairs, "pairs", env.str("DEDUP_GEN_PAIRS", ""), "also write id_a, id_b, relation of every near-duplicate to this TSV file (env DEDUP_GEN_PAIRS)")
	fs.Float64Var(&cfg.DupRate, "dup-rate", env.float("DEDUP_GEN_DUP_RATE", 0.3), "share of articles that copy, rewrite or partly reuse an earlier one (env DEDUP_GEN_DUP_RATE)")
	fs.IntVar(&cfg.Window, "window", env.int("DEDUP_GEN_WINDOW", 10000), "near-duplicates derive from one of the last this many articles (env DEDUP_GEN_WINDOW)")
	fs.StringVar(&cfg.Corpora, "corpora", env.str("DEDUP_CORPORA_DIR", "../shared/corpora"), "directory of the real corpora, read in place (env DEDUP_CORPORA_DIR)")
	fs.StringVar(&cfg.Bases, "bases", env.str("DEDUP_GEN_BASES", basesRecombined),
		"base articles: recombined (spliced sentences of the real corpora, any number) or real (whole real articles of at least 80 words, each once, near-duplicates among them skipped, wikiref220 included: a small test set of other base articles) (env DEDUP_GEN_BASES)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if env.err != nil {
		return cfg, env.err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	switch {
	case c.N < 0:
		return errors.New("-n must not be negative")
	case c.DupRate < 0 || c.DupRate >= 1:
		return errors.New("-dup-rate must be in [0, 1)")
	case c.Window < 1:
		return errors.New("-window must be at least 1")
	case c.Out == "":
		return errors.New("-out must name a file or -")
	case c.Bases != basesRecombined && c.Bases != basesReal:
		return fmt.Errorf("-bases must be %s or %s, not %q", basesRecombined, basesReal, c.Bases)
	}
	return nil
}

// envDefaults reads flag defaults from the environment and keeps the first
// bad value's error.
type envDefaults struct {
	getenv func(string) string
	err    error
}

func (e *envDefaults) str(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func (e *envDefaults) int(key string, def int) int {
	return envParse(e, key, def, strconv.Atoi)
}

func (e *envDefaults) uint(key string, def uint64) uint64 {
	return envParse(e, key, def, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
}

func (e *envDefaults) float(key string, def float64) float64 {
	return envParse(e, key, def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

func envParse[T any](e *envDefaults, key string, def T, parse func(string) (T, error)) T {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s=%q: %w", key, v, err)
	}
	if err != nil {
		return def
	}
	return x
}
