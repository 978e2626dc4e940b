package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTableWrite(t *testing.T) {
	tb := &table{header: []string{"system", "F1"}}
	tb.add("newsdedup", "0.9971")
	tb.add("pg_trgm", dash)
	tb.add("short") // padded with an empty cell
	var b strings.Builder
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	want := `| system    | F1     |
| --------- | ------ |
| newsdedup | 0.9971 |
| pg_trgm   | –      |
| short     |        |
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"count", fmtCount(1234567), "1,234,567"},
		{"small count", fmtCount(999), "999"},
		{"negative count", fmtCount(-1000), "-1,000"},
		{"rate", fmtRate(766.6), "767"},
		{"slow rate", fmtRate(16.04), "16.0"},
		{"ratio", fmtRatio(0.99051, true), "0.9905"},
		{"absent ratio", fmtRatio(0, false), dash},
		{"MiB", fmtMiB(80 * 1024), "80 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestQualityTable(t *testing.T) {
	results := []*qualityResult{
		{Bench: "newsdup-dev", System: "newsdedup", Stats: childStats{ArticlesPerSec: 700, PeakRSSKiB: 81920},
			Score: score{"precision": 0.99, "recall": 1.0, "f1": 0.995, "cluster_pairs_gold": 100.0, "recall_copy": 1.0,
				"partial_pairs": 200.0, "partial_pairs_merged_into_one_cluster": 3.0}},
		// No same-story pairs: precision, recall and F1 are vacuous.
		{Bench: "wikiref220", System: "pg_trgm", Cached: true, Limit: 100, Stats: childStats{ArticlesPerSec: 16},
			Score: score{"precision": 1.0, "recall": 1.0, "f1": 1.0, "cluster_pairs_gold": 0.0, "unrelated_same_topic_false_positive_rate": 0.25}},
	}
	got := qualityTable(results).rows
	want := [][]string{
		{"newsdup-dev", "newsdedup", "0.9900", "1.0000", "0.9950", "1.0000", dash, dash, dash, "3", "700", "80 MiB"},
		{"wikiref220", "pg_trgm (first 100 docs, scored on their pairs) *", dash, dash, dash, dash, dash, dash, "0.2500", dash, "16.0", "0 MiB"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
