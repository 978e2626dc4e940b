package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/cmd/bench/pgtemp"
)

// scaleResult is everything scale measured, saved after every step so
// that a run cut short keeps the sizes it finished.
type scaleResult struct {
	Started  time.Time   `json:"started"`
	Machine  string      `json:"machine"`
	Rates    []float64   `json:"rates"`
	Duration string      `json:"duration"`
	Batch    int         `json:"batch"`
	Steps    []scaleStep `json:"steps"`
}

// scaleStep is one corpus size: how the bulk load up to it went, then the
// load phases against it, two per rate.
type scaleStep struct {
	Size        int     `json:"size"`
	Loaded      int     `json:"loaded"`              // articles the bulk load sent to reach Size
	Preloaded   bool    `json:"preloaded,omitempty"` // the database held Size articles already (-scale-db)
	LoadSeconds float64 `json:"load_seconds"`
	LoadCPUms   float64 `json:"load_cpu_ms_per_article"` // server + Postgres CPU
	LoadSrvms   float64 `json:"load_server_cpu_ms_per_article"`
	Rejected    int     `json:"rejected"`
	// Warmup is the unmeasured POSTs sent before the phases (-warmup).
	Warmup    *phaseStats `json:"warmup,omitempty"`
	DBBytes   int64       `json:"db_bytes"`
	ServerRSS int64       `json:"server_rss_kib"` // after the phases
	ServerHWM int64       `json:"server_peak_rss_kib"`
	Phases    []ratePhase `json:"phases"`
	Finished  time.Time   `json:"finished"`
}

// ratePhase is POST /v1/articles, then POST /v1/articles:check, at one
// rate.
type ratePhase struct {
	Rate  float64    `json:"rate"`
	Post  phaseStats `json:"post"`
	Check phaseStats `json:"check"`
}

// phaseStats summarizes one load phase.
type phaseStats struct {
	attackResult
	Throughput float64 `json:"throughput"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	CPUms      float64 `json:"cpu_ms_per_request"` // server + Postgres CPU per successful request
	Srvms      float64 `json:"server_cpu_ms_per_request"`
	// Candidates is the mean number of candidates verified per matching
	// query during the phase, from the server's metrics.
	Candidates float64 `json:"candidates_per_query"`
	// GroupSize is the mean number of single ingests that went to the
	// store together during the phase (0 for :check, and for a server
	// that does not group them).
	GroupSize float64 `json:"ingest_group_size"`
	// LoadGenms is this process's own CPU (the load generator) per
	// successful request: it shares the machine with what it measures.
	LoadGenms float64 `json:"loadgen_cpu_ms_per_request"`
	// BusyCores and StolenCores are the mean number of the machine's cores
	// busy (every process) and taken by the hypervisor during the phase.
	BusyCores   float64 `json:"machine_busy_cores"`
	StolenCores float64 `json:"machine_stolen_cores"`
	// Steps is the time the server's calls spent in each step during the
	// phase, from its metrics: its ingests in a POST phase, its checks in
	// a :check phase.
	Steps []stepStat `json:"steps,omitempty"`
	// Queue is the time single ingests waited for an ingest runner, per
	// article (POST phases only).
	Queue *stepStat `json:"ingest_queue_wait,omitempty"`
	// Timeline is the latencies second by second.
	Timeline []second `json:"timeline"`
}

// runScale loads the corpus into a fresh Postgres database through the
// server's HTTP API up to each size and measures POST /v1/articles and
// POST /v1/articles:check at a fixed rate at each.
func runScale(ctx context.Context, cfg *Config, stdout, stderr io.Writer) (err error) {
	dir := filepath.Join(cfg.Out, "scale")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var db *pgtemp.DB
	if cfg.ScaleDB != "" {
		db, err = pgtemp.Existing(cfg.ScaleDB)
	} else {
		db, err = pgtemp.Create(ctx, cfg.PGURL, "newsdedup_bench_scale")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: scale: database %s\n", db.Name)
	// Drop the database even when ctx is cancelled (a signal, a timeout).
	drop := func() error {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return db.Drop(c)
	}
	srv, err := startServer(ctx, cfg, db, dir, stderr)
	if err != nil {
		return errors.Join(err, drop())
	}
	defer func() { err = errors.Join(err, srv.stop(), drop()) }()

	corpus, err := openCorpus(cfg.Corpus)
	if err != nil {
		return err
	}
	defer corpus.Close()
	res := &scaleResult{Started: time.Now().UTC(), Machine: machine(), Rates: cfg.Rates, Duration: cfg.Duration.String(), Batch: cfg.Batch}
	stored := 0
	if cfg.ScaleDB != "" {
		// The database holds the corpus up to the first size already.
		stored = cfg.Sizes[0]
		if err := corpus.skip(stored); err != nil {
			return err
		}
	}
	for _, size := range cfg.Sizes {
		step, err := scaleStepRun(ctx, cfg, srv, db, corpus, stored, size, stderr)
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, *step)
		stored = size
		if step.Warmup != nil {
			stored += step.Warmup.OK
		}
		for _, ph := range step.Phases {
			stored += ph.Post.OK
			fmt.Fprintf(stderr, "bench: scale: %s at %g/s: POST p99 %.1f ms (%.2f articles per store round; load generator %.2f ms CPU/req; machine %.2f cores busy, %.2f stolen), :check p99 %.1f ms\n",
				fmtCount(int64(size)), ph.Rate, ph.Post.P99ms, ph.Post.GroupSize, ph.Post.LoadGenms, ph.Post.BusyCores, ph.Post.StolenCores, ph.Check.P99ms)
			fmt.Fprintf(stderr, "bench: scale: %s at %g/s: ingest steps, mean/p99 ms: %s\n", fmtCount(int64(size)), ph.Rate, fmtSteps(append(queued(ph.Post.Queue), ph.Post.Steps...)...))
			fmt.Fprintf(stderr, "bench: scale: %s at %g/s: check steps, mean/p99 ms: %s\n", fmtCount(int64(size)), ph.Rate, fmtSteps(ph.Check.Steps...))
		}
		if err := saveJSON(filepath.Join(cfg.Out, "scale.json"), res); err != nil {
			return err
		}
	}
	if err := scaleTable(res).write(stdout); err != nil {
		return err
	}
	return nil
}

// scaleStepRun bulk-loads from stored up to size, then runs two phases
// per rate, each for -duration: new articles from the corpus tail posted,
// then more checked. The checked ones are put back, so the next step's
// bulk load stores them.
func scaleStepRun(ctx context.Context, cfg *Config, srv *server, db *pgtemp.DB, corpus *corpusReader, stored, size int, stderr io.Writer) (*scaleStep, error) {
	step := &scaleStep{Size: size, Preloaded: size == stored}
	cpu0 := srv.cpu(db.Name)
	start := time.Now()
	loadCtx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	if !step.Preloaded {
		rejected, err := bulkLoad(loadCtx, srv, corpus, size-stored, cfg.Batch, cfg.LoadWorkers, stderr)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("bulk load to %d: %w", size, err)
		}
		step.Loaded, step.Rejected, step.LoadSeconds = size-stored, rejected, time.Since(start).Seconds()
		sv, pg := srv.cpu(db.Name).since(cpu0).msPer(step.Loaded)
		step.LoadCPUms, step.LoadSrvms = sv+pg, sv
	}
	cancel()
	var err error
	if step.DBBytes, err = databaseSize(ctx, db.URL); err != nil {
		return nil, err
	}
	if step.Preloaded {
		fmt.Fprintf(stderr, "bench: scale: %s stored before the run\n", fmtCount(int64(size)))
	} else {
		fmt.Fprintf(stderr, "bench: scale: %s stored (bulk load %.0f articles/s)\n", fmtCount(int64(size)), float64(step.Loaded)/step.LoadSeconds)
	}
	if cfg.Warmup > 0 {
		rate := cfg.Rates[0]
		posts, err := corpus.take(max(1, int(rate*cfg.Warmup.Seconds())))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: warm-up: POST /v1/articles at %g/s for %s, not measured\n", rate, cfg.Warmup)
		w, err := phase(ctx, srv, db.Name, "/v1/articles", rate, posts, "ingest")
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: warm-up: p50 %.1f ms, p99 %.1f ms; slowest seconds: %s\n", w.P50ms, w.P99ms, slowest(w.Timeline, 3))
		step.Warmup = &w
	}
	var checked []doc
	for _, rate := range cfg.Rates {
		n := int(rate * cfg.Duration.Seconds())
		ph := ratePhase{Rate: rate}
		posts, err := corpus.take(n)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: POST /v1/articles at %g/s for %s\n", rate, cfg.Duration)
		if ph.Post, err = phase(ctx, srv, db.Name, "/v1/articles", rate, posts, "ingest"); err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: slowest seconds: %s\n", slowest(ph.Post.Timeline, 3))
		checks, err := corpus.take(n)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: POST /v1/articles:check at %g/s for %s\n", rate, cfg.Duration)
		if ph.Check, err = phase(ctx, srv, db.Name, "/v1/articles:check", rate, checks, "check"); err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "bench: scale: slowest seconds: %s\n", slowest(ph.Check.Timeline, 3))
		checked = append(checked, checks...)
		step.Phases = append(step.Phases, ph)
	}
	corpus.putBack(checked)
	step.ServerRSS, step.ServerHWM = srv.rss()
	step.Finished = time.Now().UTC()
	return step, nil
}

// phase runs one attack on path with the docs as bodies.
func phase(ctx context.Context, srv *server, dbName, path string, rate float64, docs []doc, op string) (phaseStats, error) {
	bodies := make([][]byte, len(docs))
	for i, d := range docs {
		b, err := json.Marshal(articleBody(d))
		if err != nil {
			return phaseStats{}, err
		}
		bodies[i] = b
	}
	a := &attack{Client: srv.client, URL: srv.base + path, Token: srv.token, Rate: rate, Bodies: bodies, MaxInFlight: 256}
	cpu0 := srv.cpu(dbName)
	m0 := srv.metrics(ctx)
	own0, mach0 := procCPU(os.Getpid()), readMachineTicks()
	r, err := a.run(ctx)
	if err != nil {
		return phaseStats{}, err
	}
	own1, mach1 := procCPU(os.Getpid()), readMachineTicks()
	m1 := srv.metrics(ctx)
	ps := phaseStats{attackResult: *r, Throughput: r.Throughput(),
		P50ms: millis(percentile(r.Latencies, 50)), P99ms: millis(percentile(r.Latencies, 99)), MaxMs: millis(percentile(r.Latencies, 100)),
		Timeline: r.timeline()}
	sv, pg := srv.cpu(dbName).since(cpu0).msPer(r.OK)
	ps.CPUms, ps.Srvms = sv+pg, sv
	if r.OK > 0 {
		ps.LoadGenms = float64((own1 - own0).Microseconds()) / 1000 / float64(r.OK)
	}
	ps.BusyCores, ps.StolenCores = mach1.busyCores(mach0)
	ps.Candidates = histogramMean(m0, m1, "newsdedup_candidates_per_query")
	ps.GroupSize = histogramMean(m0, m1, "newsdedup_ingest_group_size")
	ps.Steps = stepStats(m0, m1, op)
	if q, ok := queueStat(m0, m1); ok {
		ps.Queue = &q
	}
	return ps, nil
}

// queued is q as a list of none or one.
func queued(q *stepStat) []stepStat {
	if q == nil {
		return nil
	}
	return []stepStat{*q}
}

// slowest describes the n seconds of a timeline with the highest p99.
func slowest(tl []second, n int) string {
	tl = slices.Clone(tl)
	slices.SortStableFunc(tl, func(a, b second) int { return cmp.Compare(b.P99ms, a.P99ms) })
	var parts []string
	for _, s := range tl[:min(n, len(tl))] {
		parts = append(parts, fmt.Sprintf("%ds p99 %.1f ms (n=%d)", s.At, s.P99ms, s.N))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// scaleTable shows each size's bulk load, then a row per rate for its
// phases, with the POST cost per article also as a ratio to the first
// size's at the same rate, measured in the same run. CPU costs show as
// total (server + Postgres backends).
func scaleTable(res *scaleResult) *table {
	t := &table{header: []string{"stored", "bulk load art/s", "load CPU ms/art", "rate", "POST req/s", "POST p50 ms", "POST p99 ms",
		"POST CPU ms/req", ":check req/s", ":check p50 ms", ":check p99 ms", ":check CPU ms/req", "POST CPU vs first", "errors, dropped", "DB size", "server RSS (peak)"}}
	base := map[float64]float64{}
	for _, s := range res.Steps {
		for i, ph := range s.Phases {
			if _, ok := base[ph.Rate]; !ok {
				base[ph.Rate] = ph.Post.CPUms
			}
			ratio := dash
			if b := base[ph.Rate]; b > 0 {
				ratio = fmt.Sprintf("%.2fx", ph.Post.CPUms/b)
			}
			size, load, loadCPU, dbSize, rss := "", "", "", "", ""
			if i == 0 {
				size, loadCPU, dbSize = fmtCount(int64(s.Size)), fmtCPU(s.LoadCPUms, s.LoadSrvms), fmt.Sprintf("%d MiB", s.DBBytes>>20)
				rss = fmtMiB(s.ServerRSS) + " (" + fmtMiB(s.ServerHWM) + ")"
				if s.LoadSeconds > 0 {
					load = fmtRate(float64(s.Loaded) / s.LoadSeconds)
				}
				if s.Preloaded {
					load, loadCPU = "preloaded", dash
				}
			}
			t.add(size, load, loadCPU, fmt.Sprintf("%g/s", ph.Rate),
				fmtRate(ph.Post.Throughput), fmt.Sprintf("%.1f", ph.Post.P50ms), fmt.Sprintf("%.1f", ph.Post.P99ms), fmtCPU(ph.Post.CPUms, ph.Post.Srvms),
				fmtRate(ph.Check.Throughput), fmt.Sprintf("%.1f", ph.Check.P50ms), fmt.Sprintf("%.1f", ph.Check.P99ms), fmtCPU(ph.Check.CPUms, ph.Check.Srvms),
				ratio, fmt.Sprintf("%d+%d, %d", ph.Post.Errors, ph.Check.Errors, ph.Post.Dropped+ph.Check.Dropped), dbSize, rss)
		}
	}
	return t
}

// fmtCPU shows a CPU cost as total (server + Postgres).
func fmtCPU(total, server float64) string {
	return fmt.Sprintf("%.2f (%.2f+%.2f)", total, server, total-server)
}

// articleBody is a doc as POST /v1/articles takes it.
func articleBody(d doc) map[string]string {
	b := map[string]string{"external_id": d.ID, "title": d.Title, "body": d.Text, "source": d.Source, "format": "text"}
	if _, err := time.Parse(time.RFC3339, d.Published); err == nil {
		b["published_at"] = d.Published
	}
	return b
}

func saveJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func machine() string {
	return fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
}
