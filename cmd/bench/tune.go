package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/cmd/bench/peers"
)

// The grid tune searches, each list from strict to loose. Loosening a
// peer stops once its precision falls below tuneStopPrecision: looser
// settings only chain more articles together. A run with more than
// tuneMaxLinks matches is stopped and scored as degenerate.
//
// pg_trgm runs once per prefix at its loosest threshold, keeping every
// match's similarity: a stricter threshold keeps a subset of those matches
// (the online protocol matches against everything stored, whatever was
// decided before), so it is scored without running again.
var (
	tuneSimDists      = []int{2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20}
	tuneMinShingles   = []int{1, 2, 3, 5}
	tuneMinThreshold  = []float64{0.7, 0.6, 0.5, 0.4, 0.3, 0.2}
	tuneTrgm          = []float64{0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3}
	tuneStopPrecision = 0.05
	tuneMaxLinks      = 200000
)

// tuneRow is one point of the grid.
type tuneRow struct {
	Peer     string
	Features string
	Thresh   string
	Spec     string
	Score    score // nil when the run was degenerate
	PerSec   float64
}

// runTune searches each peer's grid on one benchmark and prints every
// point, best F1 first within each peer.
func runTune(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	var rows []tuneRow
	for _, w := range cfg.TuneSimShingl {
		feat := fmt.Sprintf("%d-word shingles", w)
		if w == 0 {
			feat = "library word features"
		}
		for _, d := range tuneSimDists {
			r, err := tunePoint(ctx, cfg, fmt.Sprintf("simhash:shingle=%d,dist=%d", w, d), "simhash", feat, fmt.Sprintf("≤%d bits", d), stderr)
			if err != nil {
				return err
			}
			rows = append(rows, r)
			if r.loose() {
				break
			}
		}
	}
	for _, w := range tuneMinShingles {
		for _, th := range tuneMinThreshold {
			sp := fmt.Sprintf("minhash:shingle=%d,hashes=128,t=%g", w, th)
			r, err := tunePoint(ctx, cfg, sp, "minhash-lsh", fmt.Sprintf("%d-word shingles, 128 hashes", w), strconv.FormatFloat(th, 'g', -1, 64), stderr)
			if err != nil {
				return err
			}
			rows = append(rows, r)
			if r.loose() {
				break
			}
		}
	}
	for _, p := range cfg.TrgmPrefixes {
		feat := fmt.Sprintf("first %d chars", p)
		if p == 0 {
			feat = "whole text"
		}
		r, err := tuneTrigram(ctx, cfg, p, feat, stderr)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	var buf bytes.Buffer
	if err := tuneTable(rows).write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, "tune.md"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// loose reports whether the point is too loose for any looser one to be
// worth running.
func (r tuneRow) loose() bool {
	p, ok := r.Score.num("precision")
	return r.Score == nil || (ok && p < tuneStopPrecision)
}

// tuneDir is where a spec's run on the tuning benchmark goes.
func tuneDir(cfg *Config, spec string) string {
	return filepath.Join(cfg.Out, "tune", filepath.Base(cfg.TuneBench), strings.NewReplacer(":", "_", ",", "_", "=", "").Replace(spec))
}

// tunePoint runs one spec (or reuses its stored run) and scores it.
func tunePoint(ctx context.Context, cfg *Config, spec, peer, feat, label string, stderr io.Writer) (tuneRow, error) {
	dir := tuneDir(cfg, spec)
	st, err := tuneRaw(ctx, cfg, spec, dir, stderr)
	if err != nil {
		return tuneRow{}, err
	}
	row := tuneRow{Peer: peer, Features: feat, Thresh: label, Spec: spec, PerSec: st.ArticlesPerSec}
	if st.TooMany {
		return row, nil
	}
	row.Score, err = runScore(ctx, cfg, cfg.TuneBench, dir)
	return row, err
}

// tuneTrigram runs pg_trgm once at the loosest threshold and scores every
// threshold of the grid from its matches.
func tuneTrigram(ctx context.Context, cfg *Config, prefix int, feat string, stderr io.Writer) ([]tuneRow, error) {
	specAt := func(th float64) string { return fmt.Sprintf("pg_trgm:prefix=%d,t=%g", prefix, th) }
	raw := filepath.Join(tuneDir(cfg, specAt(slices.Min(tuneTrgm))), "raw")
	st, err := tuneRaw(ctx, cfg, specAt(slices.Min(tuneTrgm)), raw, stderr)
	if err != nil {
		return nil, err
	}
	if st.TooMany {
		return []tuneRow{{Peer: "pg_trgm", Features: feat, Thresh: "≥0.3", Spec: st.Spec}}, nil
	}
	ids, matches, err := readMatches(raw)
	if err != nil {
		return nil, err
	}
	var rows []tuneRow
	for i, th := range tuneTrgm {
		pred := filepath.Join(filepath.Dir(raw), "t"+strconv.Itoa(i))
		if err := writeFiltered(pred, ids, peers.Filter(matches, th)); err != nil {
			return nil, err
		}
		sc, err := runScore(ctx, cfg, cfg.TuneBench, pred)
		if err != nil {
			return nil, err
		}
		// The rate is of the loosest run; a stricter threshold costs about
		// the same, as the GIN scan dominates.
		rows = append(rows, tuneRow{Peer: "pg_trgm", Features: feat, Thresh: strconv.FormatFloat(th, 'g', -1, 64), Spec: specAt(th), Score: sc, PerSec: st.ArticlesPerSec})
	}
	return rows, nil
}

// tuneRaw runs spec on the tuning benchmark into dir, unless a run of the
// same spec is stored there already.
func tuneRaw(ctx context.Context, cfg *Config, spec, dir string, stderr io.Writer) (*childStats, error) {
	file := filepath.Join(dir, "stats.json")
	if b, err := os.ReadFile(file); err == nil {
		var st childStats
		if err := json.Unmarshal(b, &st); err == nil && st.Spec == spec {
			return &st, nil
		}
	}
	fmt.Fprintf(stderr, "bench: tune %s\n", spec)
	st, err := runChildProcess(ctx, cfg, childRun{Spec: spec, Docs: filepath.Join(cfg.TuneBench, "docs.jsonl"), Pred: dir, MaxLinks: tuneMaxLinks}, stderr)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return st, os.WriteFile(file, b, 0o644)
}

// readMatches reads a peer's run: the doc ids in ingest order (from
// clusters.tsv) and its scored matches (matches.tsv).
func readMatches(dir string) ([]string, []peers.Link, error) {
	var ids []string
	index := map[string]int{}
	err := eachTSV(filepath.Join(dir, "clusters.tsv"), func(f []string) error {
		index[f[0]] = len(ids)
		ids = append(ids, f[0])
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var links []peers.Link
	err = eachTSV(filepath.Join(dir, "matches.tsv"), func(f []string) error {
		a, aok := index[f[0]]
		b, bok := index[f[1]]
		s, err := strconv.ParseFloat(f[2], 64)
		if !aok || !bok || err != nil {
			return fmt.Errorf("bad match %q", f)
		}
		links = append(links, peers.Link{A: a, B: b, Score: s})
		return nil
	})
	return ids, links, err
}

// eachTSV calls fn with the fields of each line after the header.
func eachTSV(path string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		if first || sc.Text() == "" {
			continue
		}
		if err := fn(strings.Split(sc.Text(), "\t")); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return sc.Err()
}

// writeFiltered writes the predictions of a peer whose matches are links.
func writeFiltered(dir string, ids []string, links []peers.Link) error {
	p := &prediction{matches: links, docIDs: ids}
	for i, root := range peers.Cluster(len(ids), links) {
		p.ids = append(p.ids, ids[i])
		p.clusters = append(p.clusters, "p"+strconv.Itoa(root))
	}
	for _, l := range links {
		p.links = append(p.links, [3]string{ids[l.A], ids[l.B], "match"})
	}
	return p.write(dir)
}

// tuneTable lists the grid, each peer's points best F1 first.
func tuneTable(rows []tuneRow) *table {
	rows = slices.Clone(rows)
	order := map[string]int{} // the peers stay in the order they ran
	for _, r := range rows {
		if _, ok := order[r.Peer]; !ok {
			order[r.Peer] = len(order)
		}
	}
	slices.SortStableFunc(rows, func(a, b tuneRow) int {
		if a.Peer != b.Peer {
			return order[a.Peer] - order[b.Peer]
		}
		fa, _ := a.Score.num("f1")
		fb, _ := b.Score.num("f1")
		switch {
		case fa > fb:
			return -1
		case fa < fb:
			return 1
		}
		return 0
	})
	t := &table{header: []string{"peer", "features", "threshold", "precision", "recall", "F1", "partial merged", "articles/s", "spec"}}
	for _, r := range rows {
		if r.Score == nil {
			t.add(r.Peer, r.Features, r.Thresh, dash, dash, dash, dash, fmtRate(r.PerSec), "`"+r.Spec+"` (over "+fmtCount(int64(tuneMaxLinks))+" matches: stopped)")
			continue
		}
		m, _ := r.Score.num("partial_pairs_merged_into_one_cluster")
		t.add(r.Peer, r.Features, r.Thresh, fmtRatio(r.Score.num("precision")), fmtRatio(r.Score.num("recall")),
			fmtRatio(r.Score.num("f1")), fmtCount(int64(m)), fmtRate(r.PerSec), "`"+r.Spec+"`")
	}
	return t
}
