package webhooks

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock shared by the worker and the receiver.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// retryCall records one MarkRetry.
type retryCall struct {
	ID       int64
	Attempts int
	Delay    time.Duration // next minus the clock at the call
	LastErr  string
}

type queued struct {
	d           Delivery
	next        time.Time
	leasedUntil time.Time
	state       string // "pending", "delivered" or "failed"
	lastErr     string
}

// fakeQueue is an in-memory Queue with the lease semantics the interface
// documents.
type fakeQueue struct {
	mu       sync.Mutex
	clock    *fakeClock
	items    []*queued
	retries  []retryCall
	claimErr error
}

func (q *fakeQueue) add(d Delivery) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, &queued{d: d, state: "pending"})
}

func (q *fakeQueue) ClaimDeliveries(_ context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.claimErr != nil {
		return nil, q.claimErr
	}
	var out []Delivery
	for _, it := range q.items {
		if len(out) == limit {
			break
		}
		if it.state == "pending" && !it.next.After(now) && !it.leasedUntil.After(now) {
			it.leasedUntil = now.Add(lease)
			out = append(out, it.d)
		}
	}
	return out, nil
}

func (q *fakeQueue) find(id int64) *queued {
	for _, it := range q.items {
		if it.d.ID == id {
			return it
		}
	}
	panic("unknown delivery")
}

func (q *fakeQueue) MarkDelivered(_ context.Context, id int64, _ time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	it := q.find(id)
	it.state, it.leasedUntil = "delivered", time.Time{}
	return nil
}

func (q *fakeQueue) MarkRetry(_ context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	it := q.find(id)
	it.d.Attempts, it.next, it.lastErr, it.leasedUntil = attempts, next, lastErr, time.Time{}
	q.retries = append(q.retries, retryCall{ID: id, Attempts: attempts, Delay: next.Sub(q.clock.Now()), LastErr: lastErr})
	return nil
}

func (q *fakeQueue) MarkFailed(_ context.Context, id int64, attempts int, lastErr string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	it := q.find(id)
	it.state, it.d.Attempts, it.lastErr, it.leasedUntil = "failed", attempts, lastErr, time.Time{}
	return nil
}

// snapshot returns a copy of one delivery's state.
func (q *fakeQueue) snapshot(id int64) queued {
	q.mu.Lock()
	defer q.mu.Unlock()
	return *q.find(id)
}

func (q *fakeQueue) retryCalls() []retryCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.retries)
}

// receiver is a subscriber endpoint that verifies each request and, like a
// well-behaved consumer, handles each webhook-id once however often it
// arrives.
type receiver struct {
	verifier *Verifier
	now      func() time.Time
	// status gives the response to the nth request (from 1), which is the
	// arrival-th verified arrival of its webhook-id (0 if unverified).
	status func(n, arrival int) int

	mu        sync.Mutex
	requests  int
	verifyErr []error
	arrivals  map[string]int // verified requests per webhook-id
	handled   []string       // webhook-ids handled, once each, in order
	got       chan string    // receives each handled webhook-id, if not nil
}

func newReceiver(tb testing.TB, key []byte, now func() time.Time, status func(n, arrival int) int) (*receiver, *httptest.Server) {
	tb.Helper()
	v, err := NewVerifier(key)
	if err != nil {
		tb.Fatal(err)
	}
	rc := &receiver{verifier: v, now: now, status: status, arrivals: map[string]int{}}
	srv := httptest.NewServer(rc)
	tb.Cleanup(srv.Close)
	return rc, srv
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.requests++
	n := rc.requests
	id := r.Header.Get(HeaderID)
	err = rc.verifier.Verify(r.Header, body, rc.now())
	if err == nil && r.Header.Get("Content-Type") != "application/json" {
		err = errors.New("content type " + r.Header.Get("Content-Type"))
	}
	rc.verifyErr = append(rc.verifyErr, err)
	arrival := 0
	if err == nil {
		rc.arrivals[id]++
		arrival = rc.arrivals[id]
		if rc.arrivals[id] == 1 { // dedup by webhook-id
			rc.handled = append(rc.handled, id)
			if rc.got != nil {
				rc.got <- id
			}
		}
	}
	rc.mu.Unlock()
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	w.WriteHeader(rc.status(n, arrival))
}

type receiverStats struct {
	Requests  int
	VerifyErr []error
	Arrivals  map[string]int
	Handled   []string
}

func (rc *receiver) stats() receiverStats {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return receiverStats{
		Requests:  rc.requests,
		VerifyErr: slices.Clone(rc.verifyErr),
		Arrivals:  maps.Clone(rc.arrivals),
		Handled:   slices.Clone(rc.handled),
	}
}

// failFirst answers 503 to the first n requests and 200 after.
func failFirst(n int) func(int, int) int {
	return func(i, _ int) int {
		if i <= n {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
}

func always(status int) func(int, int) int {
	return func(int, int) int { return status }
}

// maxRand makes jitter pick the top of its range, so delays are the
// backoff ceiling.
func maxRand(n int64) int64 { return n - 1 }
