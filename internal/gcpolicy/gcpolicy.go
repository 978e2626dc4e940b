// Package gcpolicy gives the server its garbage-collector settings unless the
// environment already chose them.
//
// Matching allocates a profile for every candidate it verifies (tens per
// article) and drops it at once, while the live heap stays small. With Go's
// default GOGC of 100 the collector then runs several times a second and
// took about a quarter of the server's CPU under load. A larger GOGC lets
// the heap grow further between collections; the soft memory limit keeps
// that growth bounded, so peak memory stays predictable. (The backfill is
// bound by Postgres, not by its collector: it keeps Go's defaults and its
// smaller footprint.)
package gcpolicy

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The server's defaults: see docs/BENCHMARKS.md ("Garbage collection").
const (
	Percent     = 400
	MemoryLimit = 640 << 20 // bytes
)

// Settings is what Apply left in force.
type Settings struct {
	Percent     int   // GOGC; negative means off
	MemoryLimit int64 // bytes; math.MaxInt64 means none
	FromEnv     bool  // GOGC or GOMEMLIMIT was set, so Apply changed nothing
}

// Apply sets GOGC to percent and the soft memory limit to limit, unless
// GOGC or GOMEMLIMIT is set in the environment (read through getenv): then
// the runtime has already applied the operator's choice and Apply leaves
// both alone.
func Apply(getenv func(string) string, percent int, limit int64) Settings {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return Settings{Percent: current(), MemoryLimit: debug.SetMemoryLimit(-1), FromEnv: true}
	}
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(limit)
	return Settings{Percent: percent, MemoryLimit: limit}
}

// current reads GOGC without changing it.
func current() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// LimitMiB returns the memory limit in MiB, 0 for none.
func (s Settings) LimitMiB() int64 {
	if s.MemoryLimit == math.MaxInt64 {
		return 0
	}
	return s.MemoryLimit >> 20
}

// GrowHeap has the heap take, and the kernel fault in, the memory that the
// collector's goal lets it use, up to most bytes, and gives it back to the
// heap (not to the operating system) before it returns. It returns how
// many bytes it grew the heap by. Call it once the long-lived data is
// loaded (the profile cache), before the server takes requests.
//
// A server that starts on a small heap grows it into fresh memory while it
// answers its first requests: about 50,000 page faults over its first
// seconds at 150 POST/s, which doubled its CPU per request and built a
// queue that took seconds to drain (docs/BENCHMARKS.md, "The first seconds
// after a start"). The JVM's -XX:+AlwaysPreTouch does the same for its
// heap. The runtime keeps memory it has freed while its goal allows it, so
// the pages stay mapped for the requests that follow.
func GrowHeap(most uint64) uint64 {
	runtime.GC()
	goal, inUse := readHeap()
	if goal <= inUse {
		return 0
	}
	n := min(goal-inUse, most)
	page := os.Getpagesize()
	b := make([]byte, n)
	for i := 0; i < len(b); i += page {
		b[i] = 1
	}
	runtime.KeepAlive(b) // b is garbage from here: the collection frees it
	runtime.GC()
	return n
}

// readHeap returns the collector's heap goal and the bytes of the heap in
// use, by objects and otherwise.
func readHeap() (goal, inUse uint64) {
	samples := []metrics.Sample{
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	metrics.Read(samples)
	return samples[0].Value.Uint64(), samples[1].Value.Uint64() + samples[2].Value.Uint64()
}
