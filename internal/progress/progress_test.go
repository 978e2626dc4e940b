package progress

import (
	"bytes"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *fakeClock { return &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func TestSampleRateAndETA(t *testing.T) {
	clk := newClock()
	r := New(&bytes.Buffer{}, Options{Total: 1000, Mode: ModeLog, Now: clk.Now, Smoothing: 10 * time.Second})
	alpha := 1 - math.Exp(-0.1) // a one-second step against a 10s time constant
	steps := []struct {
		add      int64
		wantRate float64
		wantETA  time.Duration
	}{
		{add: 100, wantRate: 100, wantETA: 9 * time.Second},                           // the first sample is taken as is
		{add: 100, wantRate: 100, wantETA: 8 * time.Second},                           // a steady pace keeps the rate
		{add: 300, wantRate: 100 + alpha*200, wantETA: secs(500 / (100 + alpha*200))}, // a jump moves it part way
	}
	var done int64
	for i, st := range steps {
		r.Add(st.add)
		done += st.add
		clk.advance(time.Second)
		s := r.sample(clk.Now())
		if s.Done != done || math.Abs(s.Rate-st.wantRate) > 1e-9 || absDur(s.ETA-st.wantETA) > time.Millisecond {
			t.Errorf("step %d: done %d rate %.4f ETA %v; want %d, %.4f, %v", i, s.Done, s.Rate, s.ETA, done, st.wantRate, st.wantETA)
		}
		if s.Elapsed != time.Duration(i+1)*time.Second {
			t.Errorf("step %d: elapsed %v", i, s.Elapsed)
		}
	}
}

func TestSampleUnknownTotalAndStall(t *testing.T) {
	clk := newClock()
	r := New(&bytes.Buffer{}, Options{Now: clk.Now, Mode: ModeLog})
	r.Add(50)
	clk.advance(time.Second)
	if s := r.sample(clk.Now()); s.ETA != -1 || s.Rate != 50 {
		t.Errorf("unknown total: ETA %v rate %v; want no ETA, 50/s", s.ETA, s.Rate)
	}
	if s := r.sample(clk.Now()); s.Rate != 50 {
		t.Errorf("a sample with no time passed changed the rate to %v", s.Rate)
	}
	r.SetTotal(100)
	for range 100 { // a long stall decays the rate towards zero
		clk.advance(time.Second)
		r.sample(clk.Now())
	}
	if s := r.sample(clk.Now()); s.Rate > 0.01 || s.ETA < time.Hour {
		t.Errorf("after a stall: rate %v ETA %v; want near 0 and a long ETA", s.Rate, s.ETA)
	}
}

func TestTerminalMode(t *testing.T) {
	clk := newClock()
	var buf bytes.Buffer
	r := New(&buf, Options{Total: 100_000, Mode: ModeTerminal, Now: clk.Now})
	r.Add(25_000)
	clk.advance(8 * time.Second)
	r.tick()
	r.Add(75_000)
	clk.advance(2 * time.Second)
	r.Finish()
	r.Finish()
	r.tick() // a late tick after Finish shows nothing
	want := "\r[=====>              ] 25,000/100,000 articles 25.0%  3,125/s  ETA 24s  elapsed 8s" +
		"\r[====================] 100,000/100,000 articles 100.0%  10,000/s  elapsed 10s     \n" // padded over the longer line before
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("terminal output (-want +got):\n%s", diff)
	}
}

func TestTerminalPadsShorterLine(t *testing.T) {
	clk := newClock()
	var buf bytes.Buffer
	r := New(&buf, Options{Mode: ModeTerminal, Now: clk.Now, Unit: "docs"})
	r.Add(1_234_567)
	clk.advance(time.Second)
	r.tick()
	buf.Reset()
	r.done.Store(5)
	clk.advance(100 * time.Second)
	r.tick()
	lines := strings.Split(buf.String(), "\r")
	long := len("1,234,567 docs  1,234,567/s  elapsed 1s")
	if len(lines) != 2 || len(lines[1]) != long {
		t.Errorf("redraw %q is not padded to %d", buf.String(), long)
	}
}

func TestLogMode(t *testing.T) {
	clk := newClock()
	var buf bytes.Buffer
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime}))
	r := New(&buf, Options{Total: 1000, Logger: logger, Now: clk.Now})
	r.Add(100)
	clk.advance(10 * time.Second)
	r.tick()
	r.Add(100)
	clk.advance(10 * time.Second)
	r.Finish()
	r.Finish()
	want := "level=INFO msg=progress done=100 total=1000 rate=10 eta=1m30s elapsed=10s\n" +
		"level=INFO msg=\"progress finished\" done=200 total=1000 rate=10 elapsed=20s\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("log output (-want +got):\n%s", diff)
	}
}

// TestConcurrent runs the real ticker with many writers; run it with -race.
func TestConcurrent(t *testing.T) {
	var buf syncBuffer
	r := New(&buf, Options{Mode: ModeTerminal, Redraw: time.Millisecond, Total: 8000})
	r.Start()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				r.Add(1)
			}
		})
	}
	wg.Wait()
	var fin sync.WaitGroup
	for range 2 {
		fin.Go(r.Finish)
	}
	fin.Wait()
	out := buf.String()
	if !strings.Contains(out, "8,000/8,000") || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("final output %q lacks one final line with 8,000/8,000", out)
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) || IsTerminal(&bytes.Buffer{}) {
		t.Error("a file or buffer was taken for a terminal")
	}
	if New(f, Options{}).opts.Mode != ModeLog {
		t.Error("ModeAuto chose the terminal mode for a file")
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 100000: "100,000"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func absDur(d time.Duration) time.Duration { return max(d, -d) }
