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
	"runtime/debug"
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
