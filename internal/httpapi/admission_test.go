package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// blockingService is a fakeService whose matching calls each report that
// they started on entered and then wait for a token on release.
type blockingService struct {
	fakeService
	entered chan struct{}
	release chan struct{}
	calls   atomic.Int32
}

func newBlockingService() *blockingService {
	b := &blockingService{entered: make(chan struct{}, 100), release: make(chan struct{}, 100)}
	// A call does not wait past its context: a test that lets one through
	// a full bound fails instead of hanging.
	block := func(ctx context.Context) {
		b.calls.Add(1)
		if ctx.Err() != nil {
			return
		}
		b.entered <- struct{}{}
		select {
		case <-b.release:
		case <-ctx.Done():
		}
	}
	b.ingest = func(ctx context.Context, _ dedup.ArticleInput) (*dedup.Result, error) {
		block(ctx)
		return &dedup.Result{Article: &dedup.Article{ID: 1}, Created: true}, nil
	}
	b.ingestBatch = func(ctx context.Context, _ []dedup.ArticleInput) ([]dedup.BatchItem, error) {
		block(ctx)
		return nil, nil
	}
	b.check = func(ctx context.Context, _ dedup.ArticleInput, _ dedup.Thresholds) (*dedup.Result, error) {
		block(ctx)
		return &dedup.Result{}, nil
	}
	b.listMatches = func(ctx context.Context, _ int64, _ dedup.Thresholds) ([]dedup.Match, error) {
		block(ctx)
		return nil, nil
	}
	b.compare = func(ctx context.Context, _, _ int64) (*dedup.Comparison, error) {
		block(ctx)
		return &dedup.Comparison{}, nil
	}
	b.getArticle = func(context.Context, int64) (*dedup.Article, error) { return &dedup.Article{ID: 7}, nil }
	return b
}

func TestAdmissionBoundsMatchingCalls(t *testing.T) {
	svc := newBlockingService()
	var waits atomic.Int32
	a := admit(svc, 2, func(time.Duration) { waits.Add(1) })
	ctx := context.Background()

	var wg sync.WaitGroup
	ingest := func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.Ingest(ctx, dedup.ArticleInput{}); err != nil {
				t.Errorf("Ingest: %v", err)
			}
		}()
	}
	ingest()
	ingest()
	<-svc.entered
	<-svc.entered // both slots are taken

	// Every matching call waits for a slot; one whose request ends while
	// it waits fails with its context's error and never reaches the service.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"Ingest":      func() error { _, err := a.Ingest(gone, dedup.ArticleInput{}); return err },
		"IngestBatch": func() error { _, err := a.IngestBatch(gone, nil); return err },
		"Check":       func() error { _, err := a.Check(gone, dedup.ArticleInput{}, dedup.Thresholds{}); return err },
		"ListMatches": func() error { _, err := a.ListMatches(gone, 1, dedup.Thresholds{}); return err },
		"Compare":     func() error { _, err := a.Compare(gone, 1, 2); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with both slots taken and its request gone = %v, want context.Canceled", name, err)
		}
	}
	if n := svc.calls.Load(); n != 2 {
		t.Errorf("the service was called %d times, want 2: a call got past a full bound", n)
	}

	// Reads pass while the bound is full.
	if got, err := a.GetArticle(ctx, 7); err != nil || got.ID != 7 {
		t.Errorf("GetArticle while full = %v, %v", got, err)
	}

	// A third ingest waits, and starts once a slot is free.
	ingest()
	svc.release <- struct{}{}
	<-svc.entered
	svc.release <- struct{}{}
	svc.release <- struct{}{}
	wg.Wait()
	if n := svc.calls.Load(); n != 3 {
		t.Errorf("the service was called %d times, want 3", n)
	}
	if n := waits.Load(); n != 3 {
		t.Errorf("%d admissions observed, want 3", n)
	}
}

func TestAdmissionNoBound(t *testing.T) {
	svc := newBlockingService()
	a := admit(svc, -1, func(time.Duration) { t.Error("an unbounded service observed an admission") })
	if a != ArticleService(svc) {
		t.Fatalf("admit(svc, -1) = %T, want the service itself", a)
	}
}

// TestAdmissionTimeoutIs503 holds the only slot and posts another article:
// it waits until its request times out and gets the API's 503.
func TestAdmissionTimeoutIs503(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
		// The first call holds its slot past its own deadline; any other
		// returns at once, so that one let through fails the test.
		if calls.Add(1) == 1 {
			entered <- struct{}{}
			<-release
		}
		return &dedup.Result{Article: &dedup.Article{ID: 1, Format: dedup.FormatText}, Created: true}, nil
	}}
	s := newTestServer(t, svc, Config{MaxInFlight: 1, RequestTimeout: 50 * time.Millisecond})
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, jsonRequest(http.MethodPost, "/v1/articles", `{"body":"first"}`))
		done <- rec.Code
	}()
	<-entered
	rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles", `{"body":"second"}`))
	close(release)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("POST while the only slot is held: status %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if got := readErrorBody(t, rec); got.Code != codeTimeout {
		t.Errorf("error code %q, want %q", got.Code, codeTimeout)
	}
	if code := <-done; code != http.StatusCreated {
		t.Errorf("the first POST answered %d, want 201", code)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the service was called %d times, want 1", n)
	}
}
