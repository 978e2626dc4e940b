package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// curveResult is one system's cost per article against stored count.
type curveResult struct {
	System string     `json:"system"`
	Label  string     `json:"label"`
	Stats  childStats `json:"stats"`
}

// curveMarks are the stored counts the printed table shows.
var curveMarks = []int{1000, 5000, 10000, 20000, 50000, 100000}

// runCurve runs each system through the online protocol on the first
// -curve-max articles of the corpus, each within the -curve-budget, and
// records the mean cost per article of every -curve-window articles.
func runCurve(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	sys, err := lookupSystems(cfg.CurveSystems)
	if err != nil {
		return err
	}
	var results []curveResult
	for _, s := range sys {
		fmt.Fprintf(stderr, "bench: curve %s\n", s.Name)
		st, err := runChildProcess(ctx, cfg, childRun{Spec: s.Spec, Docs: cfg.Corpus, Limit: cfg.CurveMax, Budget: cfg.CurveBudget, Window: cfg.CurveWindow}, stderr)
		if err != nil {
			return err
		}
		results = append(results, curveResult{System: s.Name, Label: s.Label, Stats: *st})
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, "curve.json"), b, 0o644); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := curveTable(results).write(&buf); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// curveTable shows each system's cost per article (ms) at the marks, the
// articles it got through and its overall rate.
func curveTable(results []curveResult) *table {
	t := &table{header: []string{"system"}}
	for _, m := range curveMarks {
		t.header = append(t.header, "ms @ "+fmtCount(int64(m)))
	}
	t.header = append(t.header, "articles done", "articles/s", "peak RSS")
	for _, r := range results {
		row := []string{r.System}
		for _, m := range curveMarks {
			row = append(row, curveAt(r.Stats.Curve, m))
		}
		done := fmtCount(int64(r.Stats.Docs))
		if r.Stats.Stopped {
			done += " (budget)"
		}
		row = append(row, done, fmtRate(r.Stats.ArticlesPerSec), fmtMiB(r.Stats.PeakRSSKiB))
		t.add(row...)
	}
	return t
}

// curveAt is the cost of the window ending at stored, in ms.
func curveAt(points []curvePoint, stored int) string {
	for _, p := range points {
		if p.Stored == stored {
			return fmt.Sprintf("%.3g", p.Micros/1000)
		}
	}
	return dash
}
