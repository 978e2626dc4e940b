package store

import (
	"bytes"
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
}

func (f *fakeMaintainer) MaintainIfDue(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == 2 {
		return []string{"VACUUM article_keys", "ANALYZE articles"}, nil
	}
	return nil, nil
}

func (f *fakeMaintainer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// The first check comes at start, not a tick later: a new database's
// first ANALYZE should not wait.
func TestStartMaintenanceChecksAtOnce(t *testing.T) {
	f := &fakeMaintainer{}
	stop := StartMaintenance(t.Context(), f, time.Hour, slog.New(slog.DiscardHandler))
	deadline := time.Now().Add(10 * time.Second)
	for f.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stop()
	if n := f.count(); n != 1 {
		t.Errorf("MaintainIfDue called %d times before the first tick, want once", n)
	}
}

func TestStartMaintenance(t *testing.T) {
	// Read only after stop, which waits for the goroutine that writes it.
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	f := &fakeMaintainer{}
	stop := StartMaintenance(t.Context(), f, time.Millisecond, logger)
	deadline := time.Now().Add(10 * time.Second)
	for {
		calls := f.count()
		if calls >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MaintainIfDue called %d times in 10 s, want it asked every tick", calls)
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	calls := f.count()
	time.Sleep(5 * time.Millisecond)
	if n := f.count(); n != calls {
		t.Errorf("called %d times after stop returned, want none", n-calls)
	}
	if n := strings.Count(logs.String(), "tables vacuumed and analyzed"); n != 1 {
		t.Errorf("logged %d maintenance runs, want the one that ran:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `statements="VACUUM article_keys; ANALYZE articles"`) {
		t.Errorf("the log does not name what ran:\n%s", logs.String())
	}
}

func TestStartMaintenanceWithoutMaintainer(t *testing.T) {
	// The embedded store has no MaintainIfDue: no goroutine, and
	// stop returns at once.
	stop := StartMaintenance(t.Context(), struct{}{}, time.Millisecond, slog.New(slog.DiscardHandler))
	stopped := stopping(stop)
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("stop did not return for a store without MaintainIfDue")
	}
}

// slowMaintainer's MaintainIfDue runs until released, and reports whether
// its context was cancelled meanwhile.
type slowMaintainer struct {
	started, release chan struct{}
	cancelled        chan bool
}

func (s *slowMaintainer) MaintainIfDue(ctx context.Context) ([]string, error) {
	close(s.started)
	<-s.release
	s.cancelled <- ctx.Err() != nil
	return nil, nil
}

// stop lets a check in progress end rather than cancel it: backfill stops
// maintenance before its final VACUUM, which would redo a cancelled one.
func TestStopLetsTheCheckInProgressEnd(t *testing.T) {
	s := &slowMaintainer{started: make(chan struct{}), release: make(chan struct{}), cancelled: make(chan bool, 1)}
	stop := StartMaintenance(t.Context(), s, time.Hour, slog.New(slog.DiscardHandler))
	<-s.started
	stopped := stopping(stop)
	select {
	case <-stopped:
		t.Fatal("stop returned while MaintainIfDue was still running")
	case <-time.After(50 * time.Millisecond):
	}
	close(s.release)
	if <-s.cancelled {
		t.Error("stop cancelled the check in progress")
	}
	<-stopped
}

// stopping calls stop in a goroutine and returns a channel closed when it
// returns.
func stopping(stop func()) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		stop()
		close(stopped)
	}()
	return stopped
}
