package main

import (
	"os"
	"testing"
	"time"
)

func msDur(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }

func TestIsBackendOf(t *testing.T) {
	tests := []struct {
		title string
		want  bool
	}{
		{"postgres: 15/main: postgres bench_x 127.0.0.1(47444) idle", true},
		{"postgres: postgres bench_x 127.0.0.1(47444) idle in transaction", true},
		{"postgres: 15/main: postgres other 127.0.0.1(47444) idle", false},
		{"postgres: 15/main: checkpointer ", false},
		{"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", false},
	}
	for _, tt := range tests {
		if got := isBackendOf(tt.title, "bench_x"); got != tt.want {
			t.Errorf("isBackendOf(%q) = %v, want %v", tt.title, got, tt.want)
		}
	}
}

func TestProcCPU(t *testing.T) {
	// Spin a little so that the process has used some CPU.
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if procCPU(os.Getpid()) <= 0 {
		t.Errorf("procCPU of this process is 0 (x=%d)", x)
	}
	if procCPU(-1) != 0 {
		t.Error("procCPU of no process is not 0")
	}
}

func TestStopwatch(t *testing.T) {
	s := newStopwatch(0, 2)
	for _, ms := range []int{1, 3, 2, 2, 9} {
		s.observe(msDur(ms))
	}
	if len(s.curve) != 2 || s.curve[0] != (curvePoint{Stored: 2, Micros: 2000}) || s.curve[1] != (curvePoint{Stored: 4, Micros: 2000}) {
		t.Errorf("curve %+v", s.curve)
	}
	b := newStopwatch(msDur(5), 0)
	if !b.observe(msDur(3)) || b.observe(msDur(3)) || !b.stopped {
		t.Error("the budget did not stop the stopwatch")
	}
}

func TestHistogramMean(t *testing.T) {
	const typ = "# TYPE newsdedup_ingest_group_size histogram\n"
	before := parseMetrics(typ + "newsdedup_ingest_group_size_sum 10\nnewsdedup_ingest_group_size_count 8\n")
	after := parseMetrics(typ + "newsdedup_ingest_group_size_sum 40\nnewsdedup_ingest_group_size_count 20\n")
	if got := histogramMean(before, after, "newsdedup_ingest_group_size"); got != 2.5 {
		t.Errorf("mean = %v, want 30 articles over 12 rounds, 2.5", got)
	}
	if got := histogramMean(after, after, "newsdedup_ingest_group_size"); got != 0 {
		t.Errorf("mean of no observations = %v, want 0", got)
	}
	if got := histogramMean(parseMetrics(""), nil, "newsdedup_ingest_group_size"); got != 0 {
		t.Errorf("mean without metrics = %v, want 0", got)
	}
}

func TestCPUSince(t *testing.T) {
	from := cpuSnap{server: msDur(100), backends: map[int]time.Duration{1: msDur(50), 2: msDur(70)}}
	// Backend 2 exited, 3 started.
	to := cpuSnap{server: msDur(160), backends: map[int]time.Duration{1: msDur(80), 3: msDur(5)}}
	got := to.since(from)
	if want := (cpuUse{server: msDur(60), postgres: msDur(35)}); got != want {
		t.Errorf("since = %+v, want %+v", got, want)
	}
	sv, pg := got.msPer(5)
	if sv != 12 || pg != 7 {
		t.Errorf("msPer(5) = %v, %v; want 12, 7", sv, pg)
	}
}

func TestStatusKiB(t *testing.T) {
	status := "Name:\tserver\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"
	if got := statusKiB(status, "VmHWM:"); got != 204800 {
		t.Errorf("VmHWM = %d", got)
	}
	if got := statusKiB(status, "VmSwap:"); got != 0 {
		t.Errorf("VmSwap = %d", got)
	}
}

func TestMachineTicks(t *testing.T) {
	from := parseMachineTicks("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1 2 3\n")
	to := parseMachineTicks("cpu  400 0 150 1100 50 0 0 100 30 0\ncpu0 1 2 3 4 5 6 7 8 9 10\ncpu1 1 2 3 4 5 6 7 8 9 10\nctxt 5\n")
	if from.total != 1000 || to.total != 1800 {
		t.Fatalf("totals %d and %d, want 1000 and 1800 (guest time is in user already)", from.total, to.total)
	}
	if to.cores != 2 {
		t.Fatalf("%d cores, want 2", to.cores)
	}
	// 800 ticks over 2 cores: 400 busy (300 user + 100 system), 300 idle, 100 stolen.
	busy, stolen := to.busyCores(from)
	if busy != 1 || stolen != 0.25 {
		t.Errorf("busyCores() = %v busy, %v stolen; want 1 and 0.25", busy, stolen)
	}
	if got := parseMachineTicks("cpu0 1 2 3 4 5 6 7 8\n"); got != (machineTicks{}) {
		t.Errorf("stat without its total line parsed as %+v", got)
	}
	if m := readMachineTicks(); m.total <= 0 || m.cores < 1 {
		t.Errorf("readMachineTicks() = %+v on this machine", m)
	}
}
