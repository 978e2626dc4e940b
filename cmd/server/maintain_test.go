package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeMaintainer struct {
	mu    sync.Mutex
	calls int
	rows  int64
}

func (f *fakeMaintainer) MaintainIfDue(_ context.Context, rows int64) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.rows = rows
	return f.calls == 2, nil
}

func TestStartMaintenance(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	f := &fakeMaintainer{}
	stop := startMaintenance(t.Context(), f, time.Millisecond, logger)
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		calls := f.calls
		f.mu.Unlock()
		if calls >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MaintainIfDue called %d times in 10 s, want it asked every tick", calls)
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	f.mu.Lock()
	calls, rows := f.calls, f.rows
	f.mu.Unlock()
	if rows != maintainRows {
		t.Errorf("asked with %d rows, want %d", rows, maintainRows)
	}
	time.Sleep(5 * time.Millisecond)
	f.mu.Lock()
	if f.calls != calls {
		t.Errorf("called %d times after stop returned, want none", f.calls-calls)
	}
	f.mu.Unlock()
	if n := strings.Count(logs.String(), "tables vacuumed and analyzed"); n != 1 {
		t.Errorf("logged %d maintenance runs, want the one that ran:\n%s", n, logs.String())
	}
}

func TestStartMaintenanceWithoutMaintainer(t *testing.T) {
	// The embedded store has no MaintainIfDue: no goroutine, and
	// stop returns at once.
	startMaintenance(t.Context(), struct{}{}, time.Millisecond, slog.New(slog.DiscardHandler))()
}
