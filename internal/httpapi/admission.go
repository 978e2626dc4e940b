package httpapi

import (
	"context"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// admitted is an ArticleService that runs at most a fixed number of
// matching calls (Ingest, IngestBatch, Check, ListMatches, Compare) at
// once; the others wait for a slot in the order they came. The cheap reads
// pass straight through.
//
// Without the bound, a burst starts every request at once: they all
// fingerprint and compare at the same time, on the same cores as the
// database, and each of them takes its turn at the store's few pooled
// connections between steps. Every request then waits behind all the
// others at each of its 7 to 14 round trips, the goroutines that hold a
// connection wait for a core, and a queue that a short stall builds
// drains slowly. With the bound, a request waits once, before it starts,
// and then runs as if alone.
type admitted struct {
	ArticleService
	slots *semaphore.Weighted
	wait  func(time.Duration) // observes each admission's wait
}

// DefaultMaxInFlight is the bound on matching calls when Config leaves it
// zero: two per core, so that one request's computing overlaps another's
// store round trips on each core.
func DefaultMaxInFlight() int { return 2 * runtime.GOMAXPROCS(0) }

// admit returns svc bounded to n matching calls at once (n <= 0: no bound).
func admit(svc ArticleService, n int, wait func(time.Duration)) ArticleService {
	if n <= 0 {
		return svc
	}
	return &admitted{ArticleService: svc, slots: semaphore.NewWeighted(int64(n)), wait: wait}
}

// within runs call once a slot is free and frees the slot after. It fails
// with ctx's error when ctx ends first (the request's deadline: 503 with
// Retry-After; a client gone: 499).
func within[T any](ctx context.Context, a *admitted, call func() (T, error)) (T, error) {
	start := time.Now()
	if err := a.slots.Acquire(ctx, 1); err != nil {
		var zero T
		return zero, err
	}
	defer a.slots.Release(1)
	a.wait(time.Since(start))
	return call()
}

func (a *admitted) Ingest(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
	return within(ctx, a, func() (*dedup.Result, error) { return a.ArticleService.Ingest(ctx, in) })
}

func (a *admitted) IngestBatch(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
	return within(ctx, a, func() ([]dedup.BatchItem, error) { return a.ArticleService.IngestBatch(ctx, in) })
}

func (a *admitted) Check(ctx context.Context, in dedup.ArticleInput, th dedup.Thresholds) (*dedup.Result, error) {
	return within(ctx, a, func() (*dedup.Result, error) { return a.ArticleService.Check(ctx, in, th) })
}

func (a *admitted) ListMatches(ctx context.Context, id int64, th dedup.Thresholds) ([]dedup.Match, error) {
	return within(ctx, a, func() ([]dedup.Match, error) { return a.ArticleService.ListMatches(ctx, id, th) })
}

func (a *admitted) Compare(ctx context.Context, x, y int64) (*dedup.Comparison, error) {
	return within(ctx, a, func() (*dedup.Comparison, error) { return a.ArticleService.Compare(ctx, x, y) })
}
