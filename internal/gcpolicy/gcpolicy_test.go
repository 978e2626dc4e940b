package gcpolicy

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// restore puts the runtime's settings back after a test changed them.
func restore(t *testing.T) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	l := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(p)
		debug.SetMemoryLimit(l)
	})
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestApplySetsDefaults(t *testing.T) {
	restore(t)
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	got := Apply(env(nil), 300, 256<<20)
	if got != (Settings{Percent: 300, MemoryLimit: 256 << 20}) {
		t.Fatalf("Apply = %+v", got)
	}
	if p := current(); p != 300 {
		t.Errorf("GOGC now %d, want 300", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 256<<20 {
		t.Errorf("memory limit now %d, want %d", l, 256<<20)
	}
	if got.LimitMiB() != 256 {
		t.Errorf("LimitMiB = %d, want 256", got.LimitMiB())
	}
}

func TestApplyLeavesEnvironmentChoice(t *testing.T) {
	for _, vars := range []map[string]string{{"GOGC": "50"}, {"GOMEMLIMIT": "1GiB"}} {
		restore(t)
		// What the runtime would have applied from the variable at start.
		debug.SetGCPercent(50)
		debug.SetMemoryLimit(math.MaxInt64)
		got := Apply(env(vars), 300, 256<<20)
		if !got.FromEnv || got.Percent != 50 || got.MemoryLimit != math.MaxInt64 || got.LimitMiB() != 0 {
			t.Errorf("%v: Apply = %+v, want the runtime's settings untouched", vars, got)
		}
		if p := current(); p != 50 {
			t.Errorf("%v: GOGC now %d, want 50", vars, p)
		}
	}
}

func TestGrowHeap(t *testing.T) {
	restore(t)
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(math.MaxInt64)
	live := make([]byte, 32<<20) // the goal is then about five times this
	for i := 0; i < len(live); i += 4096 {
		live[i] = 1
	}
	n := GrowHeap(math.MaxUint64)
	free := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(free)
	runtime.KeepAlive(live)
	if n < 64<<20 {
		t.Errorf("GrowHeap grew the heap by %d MiB with 32 MiB live at GOGC=400, want 64 or more", n>>20)
	}
	// What it took is still the heap's, free for the next allocations.
	if got := free[0].Value.Uint64(); got < n/2 {
		t.Errorf("after GrowHeap(%d MiB) the heap keeps %d MiB free, want at least half", n>>20, got>>20)
	}
	if n := GrowHeap(1 << 20); n > 1<<20 {
		t.Errorf("GrowHeap(1 MiB) grew the heap by %d bytes", n)
	}
}
