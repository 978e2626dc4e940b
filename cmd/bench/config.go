package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the bench commands. Each is a flag whose
// default comes from an environment variable.
type Config struct {
	Out     string        // results, predictions, caches
	PGURL   string        // a Postgres user that may create databases
	Timeout time.Duration // bounds each child process and each scale phase

	// quality
	Benchmarks []string
	Systems    string
	Score      string // score.py
	Python     string
	Cache      string // systems whose stored result is reused
	// Limits caps the docs a system ingests on a benchmark, keyed
	// "system@benchmark" (the folder's base name).
	Limits map[string]int

	// tune
	TuneBench     string
	TrgmPrefixes  []int
	TuneSimShingl []int

	// curve
	Corpus       string
	CurveMax     int
	CurveBudget  time.Duration
	CurveWindow  int
	CurveSystems string

	// scale
	Sizes    []int
	Rates    []float64
	Duration time.Duration
	// Warmup is how long each size is posted to at the first rate, unmeasured,
	// before its phases: the first seconds after a start are slower.
	Warmup      time.Duration
	Server      string // server binary; empty builds ./cmd/server
	Batch       int
	LoadWorkers int
	// ScaleDB, when set, is a database that already holds the first
	// Sizes[0] articles of Corpus (loaded by cmd/backfill, say): scale
	// measures it instead of bulk-loading a fresh one to that size.
	ScaleDB string

	// plot
	Docs string
}

const defaultBenchmarks = "../shared/eval/seeds,../shared/eval/newsdup-dev,../shared/corpora/wikiref220," +
	"../shared/corpora/clough_stevenson_short_answers,../shared/corpora/mrpc"

// parseConfig parses the flags of cmd, with defaults from getenv.
func parseConfig(cmd string, args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("bench "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: bench [quality|tune|curve|scale|plot] [flags]\n\nEach flag defaults to the environment variable named with it.\n\n")
		fs.PrintDefaults()
	}
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	flagDoc := func(key, doc string) string { return doc + " (env " + key + ")" }

	c := &Config{}
	var benchmarks, prefixes, simShingles, sizes, timeout, budget, duration, warmup, limit, maxDocs, window, rate, batch, workers string
	str := func(p *string, name, key, def, doc string) { fs.StringVar(p, name, env(key, def), flagDoc(key, doc)) }
	str(&c.Out, "out", "DEDUP_BENCH_OUT", filepath.Join(os.TempDir(), "newsdedup-bench"), "`directory` for results, predictions and caches")
	str(&c.PGURL, "pg-url", "DEDUP_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "Postgres `URL` whose user may create databases; pg_trgm and scale each use a fresh one (the default skips TLS: on loopback it would be measured with the service)")
	str(&timeout, "timeout", "DEDUP_BENCH_TIMEOUT", "2h", "bound on each child run and each scale phase")
	str(&benchmarks, "benchmarks", "DEDUP_BENCH_BENCHMARKS", defaultBenchmarks, "comma-separated benchmark `folders` (docs.jsonl, pairs.tsv)")
	str(&c.Systems, "systems", "DEDUP_BENCH_SYSTEMS", systemNames(), "comma-separated `systems` to run")
	str(&c.Score, "score", "DEDUP_BENCH_SCORE", "../shared/eval/score.py", "the scorer")
	str(&c.Python, "python", "DEDUP_BENCH_PYTHON", "python3", "Python interpreter for the scorer")
	str(&c.Cache, "cache", "DEDUP_BENCH_CACHE", "pg_trgm,pg_trgm-best", "comma-separated `systems` whose stored result under -out is reused when its spec is unchanged")
	str(&limit, "limits", "DEDUP_BENCH_LIMITS", "pg_trgm@newsdup-dev=1000", "comma-separated `system@benchmark=n`: that system ingests only the first n docs of that benchmark")
	str(&c.TuneBench, "tune-bench", "DEDUP_BENCH_TUNE_BENCH", "../shared/eval/newsdup-dev", "benchmark `folder` tune searches on")
	str(&prefixes, "trgm-prefixes", "DEDUP_BENCH_TRGM_PREFIXES", "500,1000,1500", "pg_trgm text prefixes (`chars`, 0: whole text) tune tries")
	str(&simShingles, "sim-shingles", "DEDUP_BENCH_SIM_SHINGLES", "0,1,2,3,4", "SimHash shingle widths tune tries (0: the library's word features)")
	str(&c.Corpus, "corpus", "DEDUP_BENCH_CORPUS", "", "gencorpus `file` for curve and scale (.gz allowed)")
	str(&maxDocs, "curve-max", "DEDUP_BENCH_CURVE_MAX", "50000", "curve: articles per system at most")
	str(&budget, "curve-budget", "DEDUP_BENCH_CURVE_BUDGET", "3m", "curve: stop a system after this much ingest time")
	str(&window, "curve-window", "DEDUP_BENCH_CURVE_WINDOW", "1000", "curve: articles per point")
	str(&c.CurveSystems, "curve-systems", "DEDUP_BENCH_CURVE_SYSTEMS", "newsdedup,simhash,simhash-best,minhash,minhash-best,pg_trgm-best", "curve: comma-separated systems")
	str(&sizes, "sizes", "DEDUP_BENCH_SIZES", "10000,100000,1000000", "scale: comma-separated corpus sizes, ascending")
	str(&rate, "rates", "DEDUP_BENCH_RATES", "200,50", "scale: comma-separated request `rates` per second, one pair of load phases each")
	str(&duration, "duration", "DEDUP_BENCH_DURATION", "30s", "scale: length of each load phase")
	str(&warmup, "warmup", "DEDUP_BENCH_WARMUP", "5s", "scale: unmeasured POSTs at the first rate before each size's phases (0: none)")
	str(&c.Server, "server", "DEDUP_BENCH_SERVER", "", "scale: server `binary`; empty builds ./cmd/server")
	str(&batch, "batch", "DEDUP_BENCH_BATCH", "500", "scale: articles per bulk-load request")
	str(&workers, "load-workers", "DEDUP_BENCH_LOAD_WORKERS", "2", "scale: bulk-load requests in flight")
	str(&c.ScaleDB, "scale-db", "DEDUP_BENCH_SCALE_DB", "", "scale: Postgres `URL` of a database already holding the first of -sizes articles of -corpus (e.g. from cmd/backfill); measured as it is, never dropped")
	str(&c.Docs, "docs", "DEDUP_BENCH_DOCS", "docs", "plot: `directory` the PNGs go to")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	p := parser{}
	c.Timeout = p.duration("timeout", timeout)
	c.Benchmarks = splitList(benchmarks)
	c.Limits = p.limits("limits", limit)
	c.TrgmPrefixes = p.ints("trgm-prefixes", prefixes)
	c.TuneSimShingl = p.ints("sim-shingles", simShingles)
	c.CurveMax = p.int("curve-max", maxDocs)
	c.CurveBudget = p.duration("curve-budget", budget)
	c.CurveWindow = p.int("curve-window", window)
	c.Sizes = p.ints("sizes", sizes)
	for _, r := range splitList(rate) {
		c.Rates = append(c.Rates, p.float("rates", r))
	}
	c.Duration = p.duration("duration", duration)
	c.Warmup = p.duration("warmup", warmup)
	c.Batch = p.int("batch", batch)
	c.LoadWorkers = p.int("load-workers", workers)
	if p.err != nil {
		return nil, p.err
	}
	return c, c.validate(cmd)
}

func (c *Config) validate(cmd string) error {
	switch {
	case c.Timeout <= 0:
		return errors.New("-timeout must be positive")
	case c.CurveWindow < 1 || c.CurveMax < 1:
		return errors.New("-curve-window and -curve-max must be positive")
	case len(c.Rates) == 0:
		return errors.New("-rates must name at least one rate")
	case c.Duration <= 0 || c.Duration > 10*time.Minute:
		return errors.New("-duration must be in (0, 10m]")
	case c.Warmup < 0 || c.Warmup > 10*time.Minute:
		return errors.New("-warmup must be in [0, 10m]")
	case c.Batch < 1 || c.Batch > 500:
		return errors.New("-batch must be in [1, 500]")
	case c.LoadWorkers < 1 || c.LoadWorkers > 16:
		return errors.New("-load-workers must be in [1, 16]")
	case (cmd == "curve" || cmd == "scale") && c.Corpus == "":
		return fmt.Errorf("%s needs -corpus: make one with go run ./cmd/gencorpus", cmd)
	}
	for _, r := range c.Rates {
		if r <= 0 || r > 5000 {
			return errors.New("-rates must be in (0, 5000]")
		}
	}
	for i := 1; i < len(c.Sizes); i++ {
		if c.Sizes[i] <= c.Sizes[i-1] {
			return errors.New("-sizes must be ascending")
		}
	}
	return nil
}

func systemNames() string {
	names := make([]string, len(systems))
	for i, s := range systems {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parser converts flag values and keeps the first error.
type parser struct{ err error }

func (p *parser) fail(name, v string, err error) {
	if p.err == nil {
		p.err = fmt.Errorf("-%s %q: %w", name, v, err)
	}
}

func (p *parser) int(name, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail(name, v, err)
	}
	return n
}

func (p *parser) float(name, v string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		p.fail(name, v, err)
	}
	return f
}

func (p *parser) duration(name, v string) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil {
		p.fail(name, v, err)
	}
	return d
}

func (p *parser) limits(name, v string) map[string]int {
	out := map[string]int{}
	for _, x := range splitList(v) {
		k, n, ok := strings.Cut(x, "=")
		if !ok || !strings.Contains(k, "@") {
			p.fail(name, x, errors.New("want system@benchmark=n"))
			continue
		}
		out[k] = p.int(name, n)
	}
	return out
}

func (p *parser) ints(name, v string) []int {
	var out []int
	for _, x := range splitList(v) {
		out = append(out, p.int(name, x))
	}
	return out
}
