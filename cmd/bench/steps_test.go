package main

import (
	"math"
	"testing"
)

const stepsBefore = `# HELP newsdedup_step_duration_seconds x
# TYPE newsdedup_step_duration_seconds histogram
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.001"} 1
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.005"} 2
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.01"} 2
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="+Inf"} 2
newsdedup_step_duration_seconds_sum{op="ingest",step="store"} 0.003
newsdedup_step_duration_seconds_count{op="ingest",step="store"} 2
`

const stepsAfter = `# HELP newsdedup_step_duration_seconds x
# TYPE newsdedup_step_duration_seconds histogram
newsdedup_step_duration_seconds_bucket{op="check",step="verify",le="0.001"} 5
newsdedup_step_duration_seconds_bucket{op="check",step="verify",le="0.005"} 5
newsdedup_step_duration_seconds_bucket{op="check",step="verify",le="0.01"} 5
newsdedup_step_duration_seconds_bucket{op="check",step="verify",le="+Inf"} 5
newsdedup_step_duration_seconds_sum{op="check",step="verify"} 0.002
newsdedup_step_duration_seconds_count{op="check",step="verify"} 5
newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="0.001"} 0
newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="0.005"} 0
newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="0.01"} 1
newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="+Inf"} 4
newsdedup_step_duration_seconds_sum{op="ingest",step="lock_wait"} 0.5
newsdedup_step_duration_seconds_count{op="ingest",step="lock_wait"} 4
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.001"} 1
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.005"} 52
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="0.01"} 102
newsdedup_step_duration_seconds_bucket{op="ingest",step="store",le="+Inf"} 102
newsdedup_step_duration_seconds_sum{op="ingest",step="store"} 0.703
newsdedup_step_duration_seconds_count{op="ingest",step="store"} 102
`

func TestStepStats(t *testing.T) {
	got := stepStats(parseMetrics(stepsBefore), parseMetrics(stepsAfter), "ingest")
	if len(got) != 2 || got[0].Step != "store" || got[1].Step != "lock_wait" {
		t.Fatalf("steps %+v, want store then lock_wait (the order they are taken), and no check step", got)
	}
	store := got[0]
	// 100 calls in the phase: 50 in (1, 5] ms, 50 in (5, 10] ms. The 99th
	// is the 49th of the 50 in the upper bucket: 5 + 5 × 49/50 ms.
	if store.Calls != 100 || math.Abs(store.Mean-7) > 1e-9 || math.Abs(store.P99-9.9) > 1e-9 {
		t.Errorf("store %+v, want 100 calls, mean 7 ms, p99 9.9 ms", store)
	}
	// Past the last finite bound the estimate is that bound.
	if lw := got[1]; lw.Calls != 4 || math.Abs(lw.P99-10) > 1e-9 || math.Abs(lw.Mean-125) > 1e-9 {
		t.Errorf("lock_wait %+v, want 4 calls, mean 125 ms, p99 10 ms", lw)
	}
	if got := stepStats(parseMetrics(stepsAfter), parseMetrics(stepsAfter), "ingest"); len(got) != 0 {
		t.Errorf("no calls between two equal texts: got %+v", got)
	}
	if got := stepStats(parseMetrics(""), parseMetrics("not a metrics text {"), "ingest"); len(got) != 0 {
		t.Errorf("unparsable text: got %+v", got)
	}
	if got := fmtSteps(stepStats(parseMetrics(stepsBefore), parseMetrics(stepsAfter), "check")...); got != "verify 0.4/1.0" {
		t.Errorf("check steps %q, want verify 0.4/1.0", got)
	}
}

func TestQueueStat(t *testing.T) {
	const typ = "# TYPE newsdedup_ingest_queue_wait_seconds histogram\n"
	before := typ + "newsdedup_ingest_queue_wait_seconds_bucket{le=\"0.01\"} 3\nnewsdedup_ingest_queue_wait_seconds_bucket{le=\"0.1\"} 3\n" +
		"newsdedup_ingest_queue_wait_seconds_bucket{le=\"+Inf\"} 3\nnewsdedup_ingest_queue_wait_seconds_sum 0.01\nnewsdedup_ingest_queue_wait_seconds_count 3\n"
	after := typ + "newsdedup_ingest_queue_wait_seconds_bucket{le=\"0.01\"} 3\nnewsdedup_ingest_queue_wait_seconds_bucket{le=\"0.1\"} 13\n" +
		"newsdedup_ingest_queue_wait_seconds_bucket{le=\"+Inf\"} 13\nnewsdedup_ingest_queue_wait_seconds_sum 0.51\nnewsdedup_ingest_queue_wait_seconds_count 13\n"
	q, ok := queueStat(parseMetrics(before), parseMetrics(after))
	// 10 waits in (10, 100] ms: the 99th is at 9.9 of them, 10 + 90 × 0.99 ms.
	if !ok || q.Calls != 10 || math.Abs(q.Mean-50) > 1e-9 || math.Abs(q.P99-99.1) > 1e-9 {
		t.Errorf("queue %+v, %v; want 10 waits, mean 50 ms, p99 99.1 ms", q, ok)
	}
	if _, ok := queueStat(parseMetrics(after), parseMetrics(after)); ok {
		t.Error("no waits between two equal texts, but a stat")
	}
}
