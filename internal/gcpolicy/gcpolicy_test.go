package gcpolicy

import (
	"math"
	"runtime/debug"
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
