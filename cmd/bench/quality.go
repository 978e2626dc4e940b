package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// qualityResult is one system on one benchmark, as stored under -out so
// that a slow system's result can be reused.
type qualityResult struct {
	Bench  string     `json:"bench"`
	System string     `json:"system"`
	Spec   string     `json:"spec"`
	Limit  int        `json:"limit,omitempty"`
	Stats  childStats `json:"stats"`
	Score  score      `json:"score"`
	When   time.Time  `json:"when"`
	Cached bool       `json:"-"`
}

// runQuality runs every system on every benchmark and prints one table.
func runQuality(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	sys, err := lookupSystems(cfg.Systems)
	if err != nil {
		return err
	}
	cached := splitList(cfg.Cache)
	var results []*qualityResult
	for _, bench := range cfg.Benchmarks {
		for _, s := range sys {
			r, err := qualityRun(ctx, cfg, bench, s, slices.Contains(cached, s.Name), stderr)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	var buf bytes.Buffer
	if err := qualityTable(results).write(&buf); err != nil {
		return err
	}
	fmt.Fprintf(&buf, "\n%s\n", qualityNotes(results))
	if err := os.WriteFile(filepath.Join(cfg.Out, "quality.md"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// qualityRun runs one system on one benchmark in a child process and
// scores it, or reuses the stored predictions when allowed and the spec is
// unchanged (scoring them again, which takes seconds). A limited run is
// scored on a subset benchmark of the docs it ingested.
func qualityRun(ctx context.Context, cfg *Config, bench string, s system, reuse bool, stderr io.Writer) (*qualityResult, error) {
	dir := filepath.Join(cfg.Out, "quality", filepath.Base(bench), s.Name)
	file := filepath.Join(dir, "result.json")
	pred := filepath.Join(dir, "pred")
	limit := cfg.Limits[s.Name+"@"+filepath.Base(bench)]
	scoreOn := bench
	if limit > 0 {
		var err error
		if scoreOn, err = subsetBench(bench, filepath.Join(cfg.Out, "subsets"), limit); err != nil {
			return nil, err
		}
	}
	var r *qualityResult
	if reuse {
		old, err := readResult(file)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if old != nil && old.Spec == s.Spec && old.Limit == limit {
			r = old
			r.Cached = true
			fmt.Fprintf(stderr, "bench: %s on %s: reusing the run of %s\n", s.Name, filepath.Base(bench), r.When.Format(time.RFC3339))
		}
	}
	if r == nil {
		fmt.Fprintf(stderr, "bench: %s on %s\n", s.Name, filepath.Base(bench))
		st, err := runChildProcess(ctx, cfg, childRun{Spec: s.Spec, Docs: filepath.Join(bench, "docs.jsonl"), Limit: limit, Pred: pred}, stderr)
		if err != nil {
			return nil, err
		}
		r = &qualityResult{Bench: filepath.Base(bench), System: s.Name, Spec: s.Spec, Limit: limit, Stats: *st, When: time.Now().UTC()}
	}
	sc, err := runScore(ctx, cfg, scoreOn, pred)
	if err != nil {
		return nil, err
	}
	r.Score = sc
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return r, os.WriteFile(file, b, 0o644)
}

// subsetBench writes (once) a benchmark made of the first n docs of bench,
// with the labelled pairs and family rows among them, so that a run limited
// to those docs is not charged with pairs it never saw. It returns the
// subset's folder.
func subsetBench(bench, root string, n int) (string, error) {
	dir := filepath.Join(root, fmt.Sprintf("%s-first%d", filepath.Base(bench), n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	docs, err := os.ReadFile(filepath.Join(bench, "docs.jsonl"))
	if err != nil {
		return "", err
	}
	lines := strings.SplitAfter(string(docs), "\n")
	var kept strings.Builder
	in := map[string]bool{}
	for _, line := range lines {
		if len(in) == n {
			break
		}
		var d doc
		if strings.TrimSpace(line) == "" || json.Unmarshal([]byte(line), &d) != nil {
			continue
		}
		in[d.ID] = true
		kept.WriteString(line)
	}
	if err := os.WriteFile(filepath.Join(dir, "docs.jsonl"), []byte(kept.String()), 0o644); err != nil {
		return "", err
	}
	// pairs.tsv keeps pairs with both ids in; clusters.tsv rows with the id in.
	for name, cols := range map[string]int{"pairs.tsv": 2, "clusters.tsv": 1} {
		b, err := os.ReadFile(filepath.Join(bench, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		var out strings.Builder
		for i, line := range strings.SplitAfter(string(b), "\n") {
			f := strings.Split(strings.TrimRight(line, "\n"), "\t")
			if i == 0 || (len(f) >= cols && in[f[0]] && (cols == 1 || in[f[1]])) {
				out.WriteString(line)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out.String()), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func readResult(file string) (*qualityResult, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var r qualityResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &r, nil
}

// qualityTable lays the results out one row each. Precision, recall and F1
// are blank on a benchmark without same-story pairs (wikiref220), where
// score.py would report a vacuous 1.0.
func qualityTable(results []*qualityResult) *table {
	t := &table{header: []string{"benchmark", "system", "precision", "recall", "F1", "copy", "rewrite", "partial",
		"same-topic FP", "partial merged", "articles/s", "peak RSS"}}
	for _, r := range results {
		sc := r.Score
		p, pok := sc.num("precision")
		rc, rok := sc.num("recall")
		f, fok := sc.num("f1")
		if g, _ := sc.num("cluster_pairs_gold"); g == 0 {
			pok, rok, fok = false, false, false
		}
		merged := dash
		if n, ok := sc.num("partial_pairs"); ok && n > 0 {
			m, _ := sc.num("partial_pairs_merged_into_one_cluster")
			merged = fmtCount(int64(m))
		}
		name := r.System
		if r.Limit > 0 {
			name += fmt.Sprintf(" (first %s docs, scored on their pairs)", fmtCount(int64(r.Limit)))
		}
		if r.Cached {
			name += " *"
		}
		t.add(r.Bench, name, fmtRatio(p, pok), fmtRatio(rc, rok), fmtRatio(f, fok),
			fmtRatio(sc.num("recall_copy")), fmtRatio(sc.num("recall_rewrite")), fmtRatio(sc.num("recall_partial")),
			fmtRatio(sc.num("unrelated_same_topic_false_positive_rate")), merged,
			fmtRate(r.Stats.ArticlesPerSec), fmtMiB(r.Stats.PeakRSSKiB))
	}
	return t
}

// qualityNotes lists what each system name stands for and which rows were
// reused from an earlier run.
func qualityNotes(results []*qualityResult) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, r := range results {
		if seen[r.System] {
			continue
		}
		seen[r.System] = true
		for _, s := range systems {
			if s.Name == r.System {
				fmt.Fprintf(&b, "- %s: %s (`%s`)\n", s.Name, s.Label, s.Spec)
			}
		}
	}
	for _, r := range results {
		if r.Cached {
			fmt.Fprintf(&b, "- * %s on %s: predictions of an earlier run (%s), scored again; articles/s and RSS are that run's\n", r.System, r.Bench, r.When.Format(time.RFC3339))
		}
	}
	return b.String()
}
