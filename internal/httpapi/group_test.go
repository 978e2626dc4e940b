package httpapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// groupFake is a fakeService whose single ingest blocks until released, so
// that the calls made meanwhile queue, and whose batches are recorded.
type groupFake struct {
	fakeService
	entered chan string // the external id of each single ingest that starts
	release chan struct{}

	mu      sync.Mutex
	batches [][]string // external ids of each IngestBatch call
	ctxErr  []error    // each batch's context error when it ran
}

func newGroupFake() *groupFake {
	f := &groupFake{entered: make(chan string, 100), release: make(chan struct{})}
	f.ingest = func(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
		f.entered <- in.ExternalID
		select {
		case <-f.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return resultFor(in), nil
	}
	f.ingestBatch = func(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
		ids := make([]string, len(in))
		items := make([]dedup.BatchItem, len(in))
		for i, a := range in {
			ids[i] = a.ExternalID
			if a.Body == "" {
				items[i].Err = &dedup.ValidationError{Field: "body", Message: "empty"}
				continue
			}
			items[i].Result = resultFor(a)
		}
		f.mu.Lock()
		f.batches = append(f.batches, ids)
		f.ctxErr = append(f.ctxErr, ctx.Err())
		f.mu.Unlock()
		return items, nil
	}
	return f
}

// resultFor answers an article with an id read from its external id, so
// that a caller can tell its own answer from a batch-mate's.
func resultFor(in dedup.ArticleInput) *dedup.Result {
	var id int64
	fmt.Sscanf(in.ExternalID, "a%d", &id)
	return &dedup.Result{Article: &dedup.Article{ID: id, ExternalID: in.ExternalID}, Created: true}
}

type ingestOutcome struct {
	id  string
	res *dedup.Result
	err error
}

// ingestAsync calls g.Ingest for each id in its own goroutine, one after
// another once each is queued, and returns the outcomes as they come.
func ingestAsync(ctx context.Context, g *grouped, bodies map[string]string, ids ...string) <-chan ingestOutcome {
	out := make(chan ingestOutcome, len(ids))
	for _, id := range ids {
		body, ok := bodies[id]
		if !ok {
			body = "text of " + id
		}
		go func() {
			res, err := g.Ingest(ctx, dedup.ArticleInput{ExternalID: id, Body: body})
			out <- ingestOutcome{id, res, err}
		}()
		waitQueued(g, id)
	}
	return out
}

// ingestFirst calls g.Ingest for id, which must find the runner free and
// go alone, and returns once its single ingest has started.
func ingestFirst(t *testing.T, f *groupFake, g *grouped, id string) <-chan ingestOutcome {
	t.Helper()
	out := make(chan ingestOutcome, 1)
	go func() {
		res, err := g.Ingest(context.Background(), dedup.ArticleInput{ExternalID: id, Body: "text of " + id})
		out <- ingestOutcome{id, res, err}
	}()
	if got := <-f.entered; got != id {
		t.Fatalf("single ingest of %q started, want %q", got, id)
	}
	return out
}

// waitQueued waits until the call for id is in g's queue or has started.
func waitQueued(g *grouped, id string) {
	for range 2000 {
		g.mu.Lock()
		queued := slices.ContainsFunc(g.queue, func(c *groupCall) bool { return c.in.ExternalID == id })
		g.mu.Unlock()
		if queued {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestGroupedIngestsThatArriveTogetherGoAsOneBatch(t *testing.T) {
	f := newGroupFake()
	var sizes []int
	var waits []time.Duration
	var sizesMu sync.Mutex
	g := group(f, 1, func(n int) { sizesMu.Lock(); sizes = append(sizes, n); sizesMu.Unlock() },
		func(d time.Duration) { sizesMu.Lock(); waits = append(waits, d); sizesMu.Unlock() }).(*grouped)
	ctx := context.Background()

	first := ingestFirst(t, f, g, "a1")
	// a1 holds the only runner: these wait, and one of them is invalid.
	rest := ingestAsync(ctx, g, map[string]string{"a3": ""}, "a2", "a3", "a4")
	const held = 20 * time.Millisecond
	time.Sleep(held)
	close(f.release)

	if o := <-first; o.err != nil || o.res.Article.ID != 1 {
		t.Fatalf("a1: %+v", o)
	}
	for range 3 {
		o := <-rest
		switch o.id {
		case "a3":
			var ve *dedup.ValidationError
			if !errors.As(o.err, &ve) {
				t.Errorf("a3: err = %v, want its own validation error", o.err)
			}
		default:
			if o.err != nil || o.res.Article.ExternalID != o.id {
				t.Errorf("%s: got %+v, err %v; want its own result", o.id, o.res, o.err)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if want := [][]string{{"a2", "a3", "a4"}}; !slices.EqualFunc(f.batches, want, slices.Equal) {
		t.Errorf("batches = %v, want %v (in arrival order)", f.batches, want)
	}
	sizesMu.Lock()
	defer sizesMu.Unlock()
	if want := []int{1, 3}; !slices.Equal(sizes, want) {
		t.Errorf("observed sizes = %v, want %v", sizes, want)
	}
	// Each call's wait for the runner, in the order they were taken: the
	// three that queued behind a1 waited at least as long as it held it.
	if len(waits) != 4 {
		t.Fatalf("observed %d waits, want 4 (one per call)", len(waits))
	}
	for i, d := range waits[1:] {
		if d < held {
			t.Errorf("queued call %d waited %v, want at least %v", i+2, d, held)
		}
	}
}

func TestGroupedIngestAloneGoesAsASingleIngest(t *testing.T) {
	f := newGroupFake()
	close(f.release)
	g := group(f, 2, func(int) {}, nil)
	res, err := g.Ingest(context.Background(), dedup.ArticleInput{ExternalID: "a5", Body: "x"})
	if err != nil || res.Article.ID != 5 {
		t.Fatalf("Ingest = %+v, %v", res, err)
	}
	if len(f.entered) != 1 || len(f.batches) != 0 {
		t.Errorf("single ingests %d, batches %v; want the call to go alone", len(f.entered), f.batches)
	}
}

func TestGroupedBatchStoreErrorFailsEveryCallOfIt(t *testing.T) {
	f := newGroupFake()
	errStore := errors.New("store down")
	f.ingestBatch = func(context.Context, []dedup.ArticleInput) ([]dedup.BatchItem, error) { return nil, errStore }
	g := group(f, 1, func(int) {}, nil).(*grouped)
	ctx := context.Background()
	first := ingestFirst(t, f, g, "a1")
	rest := ingestAsync(ctx, g, nil, "a2", "a3")
	close(f.release)
	<-first
	for range 2 {
		if o := <-rest; !errors.Is(o.err, errStore) {
			t.Errorf("%s: err = %v, want the store's", o.id, o.err)
		}
	}
}

func TestGroupedCallWhoseDeadlinePassesWhileQueuedIsLeftOut(t *testing.T) {
	f := newGroupFake()
	g := group(f, 1, func(int) {}, nil).(*grouped)
	first := ingestFirst(t, f, g, "a1")
	gone, cancel := context.WithCancel(context.Background())
	late := ingestAsync(gone, g, nil, "a2")
	kept := ingestAsync(context.Background(), g, nil, "a3", "a4")
	cancel()
	if o := <-late; !errors.Is(o.err, context.Canceled) {
		t.Errorf("a2: err = %v, want context.Canceled", o.err)
	}
	close(f.release)
	<-first
	<-kept
	<-kept
	f.mu.Lock()
	defer f.mu.Unlock()
	if want := [][]string{{"a3", "a4"}}; !slices.EqualFunc(f.batches, want, slices.Equal) {
		t.Errorf("batches = %v, want %v", f.batches, want)
	}
}

func TestGroupedBatchOutlivesACallerThatLeaves(t *testing.T) {
	f := newGroupFake()
	started, finish := make(chan struct{}), make(chan struct{})
	f.ingestBatch = func(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
		close(started)
		<-finish
		f.mu.Lock()
		f.ctxErr = append(f.ctxErr, ctx.Err())
		f.mu.Unlock()
		items := make([]dedup.BatchItem, len(in))
		for i, a := range in {
			items[i].Result = resultFor(a)
		}
		return items, nil
	}
	g := group(f, 1, func(int) {}, nil).(*grouped)
	first := ingestFirst(t, f, g, "a1")
	leaving, cancel := context.WithCancel(context.Background())
	left := ingestAsync(leaving, g, nil, "a2")
	stays := ingestAsync(context.Background(), g, nil, "a3")
	close(f.release)
	<-first
	<-started
	cancel() // a2's client goes away while its batch runs
	close(finish)
	// Both get their results: a call that has started runs to its end.
	for _, ch := range []<-chan ingestOutcome{left, stays} {
		if o := <-ch; o.err != nil || o.res.Article.ExternalID != o.id {
			t.Errorf("%s: %+v, err %v; want its result", o.id, o.res, o.err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.ctxErr) != 1 || f.ctxErr[0] != nil {
		t.Errorf("batch context errors %v, want the batch to run on uncancelled", f.ctxErr)
	}
}

func TestGroupedBatchesAreBounded(t *testing.T) {
	f := newGroupFake()
	g := group(f, 1, func(int) {}, nil).(*grouped)
	first := ingestFirst(t, f, g, "a0")
	ids := make([]string, maxIngestGroup+3)
	for i := range ids {
		ids[i] = fmt.Sprintf("a%d", i+1)
	}
	rest := ingestAsync(context.Background(), g, nil, ids...)
	close(f.release)
	<-first
	for range ids {
		if o := <-rest; o.err != nil {
			t.Errorf("%s: %v", o.id, o.err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var sizes []int
	for _, b := range f.batches {
		sizes = append(sizes, len(b))
	}
	// The three left over go alone or as a batch, after the full one.
	if len(sizes) == 0 || sizes[0] != maxIngestGroup || slices.Max(sizes) > maxIngestGroup {
		t.Errorf("batch sizes %v, want a first batch of %d and none larger", sizes, maxIngestGroup)
	}
}

func TestBatchContextRunsToTheLatestDeadline(t *testing.T) {
	base := context.Background()
	early, cancelEarly := context.WithTimeout(base, time.Minute)
	defer cancelEarly()
	late, cancelLate := context.WithTimeout(base, time.Hour)
	defer cancelLate()
	ctx, cancel := batchContext([]*groupCall{{ctx: early}, {ctx: late}})
	defer cancel()
	want, _ := late.Deadline()
	if d, ok := ctx.Deadline(); !ok || !d.Equal(want) {
		t.Errorf("deadline = %v, %v; want the latest, %v", d, ok, want)
	}
	ctx2, cancel2 := batchContext([]*groupCall{{ctx: early}, {ctx: base}})
	defer cancel2()
	if _, ok := ctx2.Deadline(); ok {
		t.Error("a batch with a call without deadline has one")
	}
}
