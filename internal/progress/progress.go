// Package progress reports the progress of long runs such as a backfill:
// on a terminal as one line redrawn in place, otherwise as a log line
// every few seconds.
package progress

import (
	"io"
	"log/slog"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Mode chooses how progress is shown.
type Mode int

// Modes.
const (
	ModeAuto     Mode = iota // ModeTerminal when the writer is a terminal, else ModeLog
	ModeTerminal             // one line redrawn with \r
	ModeLog                  // a log line every Interval
)

// Options configures a Reporter. A zero field means "use the default".
type Options struct {
	// Total is the amount of work when known; 0 or less means unknown.
	Total int64
	Mode  Mode
	// Interval is the time between log lines in ModeLog (default 10s).
	Interval time.Duration
	// Redraw is the time between redraws in ModeTerminal (default 250ms).
	Redraw time.Duration
	// Smoothing is the time constant of the moving average of the rate
	// (default 10s): a change of pace shows fully after about this long.
	Smoothing time.Duration
	// Unit names what is counted (default "articles").
	Unit string
	// Logger receives the log lines of ModeLog; nil means a text logger on
	// the writer.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults(w io.Writer) Options {
	if o.Mode == ModeAuto {
		o.Mode = ModeLog
		if IsTerminal(w) {
			o.Mode = ModeTerminal
		}
	}
	if o.Interval <= 0 {
		o.Interval = 10 * time.Second
	}
	if o.Redraw <= 0 {
		o.Redraw = 250 * time.Millisecond
	}
	if o.Smoothing <= 0 {
		o.Smoothing = 10 * time.Second
	}
	if o.Unit == "" {
		o.Unit = "articles"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(w, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Reporter counts work done and shows it. Add is safe for concurrent use
// and cheap enough to call once per article; showing happens in the
// goroutine Start begins.
type Reporter struct {
	w     io.Writer
	opts  Options
	done  atomic.Int64
	total atomic.Int64

	mu       sync.Mutex
	start    time.Time
	last     time.Time // time of the last rate sample
	lastDone int64
	rate     float64 // smoothed, per second
	sampled  bool
	width    int // of the last terminal line, to blank out a longer one
	finished bool

	stop     chan struct{}
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// New returns a Reporter that writes to w (in ModeLog, through
// opts.Logger). The clock starts now.
func New(w io.Writer, opts Options) *Reporter {
	opts = opts.withDefaults(w)
	r := &Reporter{w: w, opts: opts, stop: make(chan struct{})}
	r.total.Store(opts.Total)
	r.start = opts.Now()
	r.last = r.start
	return r
}

// Add counts n more units done.
func (r *Reporter) Add(n int64) { r.done.Add(n) }

// SetTotal sets the total when it becomes known later; 0 or less means unknown.
func (r *Reporter) SetTotal(n int64) { r.total.Store(n) }

// Done returns the units counted so far.
func (r *Reporter) Done() int64 { return r.done.Load() }

// Start shows progress periodically until Finish.
func (r *Reporter) Start() {
	every := r.opts.Interval
	if r.opts.Mode == ModeTerminal {
		every = r.opts.Redraw
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-t.C:
				r.tick()
			}
		}
	}()
}

// Finish stops the periodic reports and shows the final count, elapsed
// time and average rate. Calls after the first do nothing.
func (r *Reporter) Finish() {
	r.stopOnce.Do(func() {
		close(r.stop)
		r.wg.Wait()
		r.mu.Lock()
		defer r.mu.Unlock()
		r.finished = true
		r.show(r.summary(r.opts.Now()), true)
	})
}

// tick takes a rate sample and shows it.
func (r *Reporter) tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	r.show(r.sample(r.opts.Now()), false)
}

// snapshot is what one report shows.
type snapshot struct {
	Done, Total int64 // Total <= 0: unknown
	Rate        float64
	ETA         time.Duration // -1: unknown
	Elapsed     time.Duration
}

// sample updates the smoothed rate with the pace since the last sample:
// an exponential moving average weighted by the time between samples, so
// that irregular ticks do not skew it. The first sample is taken as is.
func (r *Reporter) sample(now time.Time) snapshot {
	done := r.done.Load()
	if dt := now.Sub(r.last).Seconds(); dt > 0 {
		inst := float64(done-r.lastDone) / dt
		if r.sampled {
			alpha := 1 - math.Exp(-dt/r.opts.Smoothing.Seconds())
			r.rate += alpha * (inst - r.rate)
		} else {
			r.rate, r.sampled = inst, true
		}
		r.last, r.lastDone = now, done
	}
	return r.snapshot(done, r.rate, now)
}

// summary is the final report, with the average rate over the whole run.
func (r *Reporter) summary(now time.Time) snapshot {
	done := r.done.Load()
	rate := 0.0
	if el := now.Sub(r.start).Seconds(); el > 0 {
		rate = float64(done) / el
	}
	s := r.snapshot(done, rate, now)
	s.ETA = -1
	return s
}

func (r *Reporter) snapshot(done int64, rate float64, now time.Time) snapshot {
	s := snapshot{Done: done, Total: r.total.Load(), Rate: rate, ETA: -1, Elapsed: now.Sub(r.start)}
	if s.Total > 0 && rate > 0 {
		left := max(s.Total-done, 0)
		s.ETA = time.Duration(float64(left) / rate * float64(time.Second))
	}
	return s
}
