package httpapi

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// grouped is an ArticleService whose Ingest calls go to the store together
// when they come faster than it stores them: at most a fixed number of
// ingests run at once, and the calls that arrive meanwhile wait and then go
// as one IngestBatch, which decides as one-at-a-time ingest would. A call
// that finds a runner free goes alone, through Ingest, as it would without
// grouping.
//
// A batch costs less per article than single ingests (one transaction, one
// candidate lookup, one fingerprint fetch and one cluster transaction for
// all): on 10,000 stored, batches of 4 cost a third less CPU per article
// than single POSTs (docs/BENCHMARKS.md, "Ingests that arrive together").
// So under load the server catches up where single ingests would queue.
type grouped struct {
	ArticleService
	maxRunners int // ingests (single or batch) in flight at most
	size       func(int)
	wait       func(time.Duration) // nil: not observed

	mu      sync.Mutex
	queue   []*groupCall
	runners int
}

// groupCall is one Ingest call waiting for its batch.
type groupCall struct {
	ctx    context.Context
	in     dedup.ArticleInput
	done   chan groupResult // buffered: the runner never waits for a caller gone
	taken  bool             // a runner took it (under grouped.mu)
	queued time.Time
}

type groupResult struct {
	res *dedup.Result
	err error
}

// DefaultIngestRunners is the number of ingests in flight at once when
// Config leaves it zero: one per core.
func DefaultIngestRunners() int { return runtime.GOMAXPROCS(0) }

// maxIngestGroup bounds a batch, and so the time its first caller waits for
// the last article of it.
const maxIngestGroup = 16

// group returns svc with its Ingest calls grouped, at most runners ingests
// in flight (runners <= 0: no grouping). size observes each batch's size,
// and wait (unless nil) how long each call waited for a runner.
func group(svc ArticleService, runners int, size func(int), wait func(time.Duration)) ArticleService {
	if runners <= 0 {
		return svc
	}
	return &grouped{ArticleService: svc, maxRunners: runners, size: size, wait: wait}
}

func (g *grouped) Ingest(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
	c := &groupCall{ctx: ctx, in: in, done: make(chan groupResult, 1), queued: time.Now()}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if g.runners < g.maxRunners {
		g.runners++
		go g.run()
	}
	g.mu.Unlock()
	select {
	case r := <-c.done:
		return r.res, r.err
	case <-ctx.Done():
	}
	g.mu.Lock()
	taken := c.taken
	g.mu.Unlock()
	if !taken {
		// Still queued: the runners pass it over.
		return nil, ctx.Err()
	}
	// Started, it runs to its end, as a call that went alone does: alone,
	// under its own context; in a batch, under the batch's, until the
	// latest deadline of the batch.
	r := <-c.done
	return r.res, r.err
}

// run ingests the queued calls, a batch at a time, until none is left.
func (g *grouped) run() {
	for {
		calls := g.take()
		if calls == nil {
			return
		}
		g.ingest(calls)
	}
}

// take removes and returns the next batch of live calls, or nil (and
// counts this runner out) when none is queued.
func (g *grouped) take() []*groupCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	var calls []*groupCall
	n := 0
	for n < len(g.queue) && len(calls) < maxIngestGroup {
		if c := g.queue[n]; c.ctx.Err() == nil {
			c.taken = true
			calls = append(calls, c)
			if g.wait != nil {
				g.wait(time.Since(c.queued))
			}
		}
		n++
	}
	g.queue = g.queue[n:]
	if len(g.queue) == 0 {
		g.queue = nil // let the backing array go
	}
	if calls == nil {
		g.runners--
	}
	return calls
}

// ingest stores a batch and hands each call its result. The batch runs
// under none of its callers' cancellations, so that one client gone does
// not fail the others, and until the latest of their deadlines.
func (g *grouped) ingest(calls []*groupCall) {
	g.size(len(calls))
	if len(calls) == 1 {
		c := calls[0]
		res, err := g.ArticleService.Ingest(c.ctx, c.in)
		c.done <- groupResult{res, err}
		return
	}
	ctx, cancel := batchContext(calls)
	defer cancel()
	in := make([]dedup.ArticleInput, len(calls))
	for i, c := range calls {
		in[i] = c.in
	}
	items, err := g.ArticleService.IngestBatch(ctx, in)
	if err == nil && len(items) != len(calls) {
		err = fmt.Errorf("ingest batch: %d results for %d articles", len(items), len(calls))
	}
	for i, c := range calls {
		if err != nil {
			c.done <- groupResult{err: err}
			continue
		}
		c.done <- groupResult{items[i].Result, items[i].Err}
	}
}

// batchContext returns the context a batch runs under: the first call's
// values, no cancellation, and the latest deadline of the calls (none if
// one of them has none).
func batchContext(calls []*groupCall) (context.Context, context.CancelFunc) {
	ctx := context.WithoutCancel(calls[0].ctx)
	var latest time.Time
	for _, c := range calls {
		d, ok := c.ctx.Deadline()
		if !ok {
			return context.WithCancel(ctx)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(ctx, latest)
}
