package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testPayload = `{"type":"cluster.changed","cluster_id":7,"members":[1,2]}`

func newTestWorker(tb testing.TB, q Queue, subs []Subscriber, opts WorkerOptions) *Worker {
	tb.Helper()
	w, err := NewWorker(q, subs, nil, opts)
	if err != nil {
		tb.Fatalf("NewWorker: %v", err)
	}
	return w
}

func testDelivery(id int64, sub string) Delivery {
	return Delivery{
		ID:         id,
		Subscriber: sub,
		WebhookID:  "evt_" + string(rune('a'+id)),
		Type:       "cluster.changed",
		Payload:    []byte(testPayload),
	}
}

// drive polls until delivery id is delivered or parked, moving the clock to
// each retry time in between, and returns how many polls it took.
func drive(t *testing.T, w *Worker, q *fakeQueue, clock *fakeClock, id int64, maxPolls int) int {
	t.Helper()
	for polls := 1; polls <= maxPolls; polls++ {
		if _, err := w.poll(t.Context()); err != nil {
			t.Fatalf("poll: %v", err)
		}
		it := q.snapshot(id)
		if it.state != "pending" {
			return polls
		}
		if it.next.After(clock.Now()) {
			clock.Set(it.next)
		}
	}
	t.Fatalf("delivery %d still pending after %d polls", id, maxPolls)
	return 0
}

func TestWorkerRetriesUntilDelivered(t *testing.T) {
	clock := newFakeClock()
	key := testKey(1)
	rc, srv := newReceiver(t, key, clock.Now, failFirst(3))
	q := &fakeQueue{clock: clock}
	q.add(testDelivery(1, "search"))
	w := newTestWorker(t, q, []Subscriber{{Name: "search", URL: srv.URL, Secret: key}},
		WorkerOptions{Now: clock.Now, Rand: maxRand, BackoffBase: time.Second, BackoffCap: time.Hour})

	if polls := drive(t, w, q, clock, 1, 10); polls != 4 {
		t.Errorf("took %d polls, want 4", polls)
	}
	wantRetries := []retryCall{
		{ID: 1, Attempts: 1, Delay: 1 * time.Second, LastErr: "http status 503"},
		{ID: 1, Attempts: 2, Delay: 2 * time.Second, LastErr: "http status 503"},
		{ID: 1, Attempts: 3, Delay: 4 * time.Second, LastErr: "http status 503"},
	}
	if diff := cmp.Diff(wantRetries, q.retryCalls()); diff != "" {
		t.Errorf("retries (-want +got):\n%s", diff)
	}
	if got := q.snapshot(1).state; got != "delivered" {
		t.Errorf("state = %q, want delivered", got)
	}
	want := receiverStats{
		Requests:  4,
		VerifyErr: []error{nil, nil, nil, nil},
		Arrivals:  map[string]int{"evt_b": 4},
		Handled:   []string{"evt_b"},
	}
	if diff := cmp.Diff(want, rc.stats(), cmp.Comparer(errors.Is)); diff != "" {
		t.Errorf("receiver (-want +got):\n%s", diff)
	}
}

// TestWorkerReceiverDedup covers lost acknowledgements: the receiver
// handles each event but the sender sees a failure, so each event comes
// again with the same webhook-id and the receiver drops the copy.
func TestWorkerReceiverDedup(t *testing.T) {
	clock := newFakeClock()
	key := testKey(2)
	ackLostOnce := func(_, arrival int) int {
		if arrival == 1 {
			return http.StatusGatewayTimeout // handled, but the ack was lost
		}
		return http.StatusOK
	}
	rc, srv := newReceiver(t, key, clock.Now, ackLostOnce)
	q := &fakeQueue{clock: clock}
	q.add(testDelivery(1, "s"))
	q.add(testDelivery(2, "s"))
	w := newTestWorker(t, q, []Subscriber{{Name: "s", URL: srv.URL, Secret: key}}, WorkerOptions{Now: clock.Now, Rand: maxRand})

	drive(t, w, q, clock, 1, 5)
	drive(t, w, q, clock, 2, 5)
	got := rc.stats()
	if diff := cmp.Diff(map[string]int{"evt_b": 2, "evt_c": 2}, got.Arrivals); diff != "" {
		t.Errorf("arrivals per webhook-id (-want +got):\n%s", diff)
	}
	if len(got.Handled) != 2 {
		t.Errorf("handled %v, want each event once", got.Handled)
	}
}

func TestWorkerParksAfterMaxAttempts(t *testing.T) {
	clock := newFakeClock()
	key := testKey(3)
	rc, srv := newReceiver(t, key, clock.Now, always(http.StatusInternalServerError))
	q := &fakeQueue{clock: clock}
	q.add(testDelivery(1, "s"))
	w := newTestWorker(t, q, []Subscriber{{Name: "s", URL: srv.URL, Secret: key}},
		WorkerOptions{Now: clock.Now, MaxAttempts: 3})

	drive(t, w, q, clock, 1, 10)
	it := q.snapshot(1)
	if it.state != "failed" || it.d.Attempts != 3 || it.lastErr != "http status 500" {
		t.Errorf("got state %q attempts %d last error %q, want failed 3 %q", it.state, it.d.Attempts, it.lastErr, "http status 500")
	}
	if n := len(q.retryCalls()); n != 2 {
		t.Errorf("%d retries, want 2", n)
	}
	clock.Set(clock.Now().Add(24 * time.Hour))
	if _, err := w.poll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := rc.stats().Requests; n != 3 {
		t.Errorf("receiver got %d requests, want 3 (none after parking)", n)
	}
}

func TestWorkerOutcomes(t *testing.T) {
	key := testKey(4)
	gone := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) }
	noContent := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	slow := func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	redirect := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			t.Error("worker followed a redirect")
		}
		http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name        string
		handler     http.HandlerFunc
		url         string // instead of a handler
		subscriber  string
		wantState   string
		wantErrPart string
	}{
		{name: "204 delivers", handler: noContent, wantState: "delivered"},
		{name: "410 parks at once", handler: gone, wantState: "failed", wantErrPart: "http status 410"},
		{name: "redirect is a failure", handler: redirect, wantState: "pending", wantErrPart: "http status 307"},
		{name: "timeout is a failure", handler: slow, wantState: "pending", wantErrPart: "Client.Timeout"},
		{name: "connection refused is a failure", url: closed.URL, wantState: "pending", wantErrPart: "connect"},
		{name: "unknown subscriber parks", handler: noContent, subscriber: "gone", wantState: "failed", wantErrPart: "unknown subscriber"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if tt.handler != nil {
				srv := httptest.NewServer(tt.handler)
				t.Cleanup(srv.Close)
				url = srv.URL
			}
			clock := newFakeClock()
			q := &fakeQueue{clock: clock}
			d := testDelivery(1, "s")
			if tt.subscriber != "" {
				d.Subscriber = tt.subscriber
			}
			q.add(d)
			w := newTestWorker(t, q, []Subscriber{{Name: "s", URL: url, Secret: key}},
				WorkerOptions{Now: clock.Now, Timeout: 100 * time.Millisecond})
			if _, err := w.poll(t.Context()); err != nil {
				t.Fatal(err)
			}
			it := q.snapshot(1)
			if it.state != tt.wantState || !strings.Contains(it.lastErr, tt.wantErrPart) {
				t.Errorf("got state %q last error %q, want %q containing %q", it.state, it.lastErr, tt.wantState, tt.wantErrPart)
			}
			if strings.Contains(it.lastErr, "127.0.0.1:") && strings.Contains(it.lastErr, "http://") {
				t.Errorf("last error %q contains the subscriber URL", it.lastErr)
			}
		})
	}
}

func TestWorkerInterruptedAttemptIsNotRecorded(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		close(started)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release) })
	t.Cleanup(srv.Close)
	clock := newFakeClock()
	q := &fakeQueue{clock: clock}
	q.add(testDelivery(1, "s"))
	w := newTestWorker(t, q, []Subscriber{{Name: "s", URL: srv.URL, Secret: testKey(5)}}, WorkerOptions{Now: clock.Now})

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	if _, err := w.poll(ctx); err != nil {
		t.Fatal(err)
	}
	it := q.snapshot(1)
	if it.state != "pending" || it.d.Attempts != 0 || len(q.retryCalls()) != 0 {
		t.Errorf("got state %q attempts %d retries %d; want the claim left to expire unrecorded", it.state, it.d.Attempts, len(q.retryCalls()))
	}
}

func TestWorkerSignsPerSubscriber(t *testing.T) {
	clock := newFakeClock()
	keyA, keyB := testKey(10), testKey(20)
	rcA, srvA := newReceiver(t, keyA, clock.Now, always(http.StatusOK))
	rcB, srvB := newReceiver(t, keyB, clock.Now, always(http.StatusOK))
	q := &fakeQueue{clock: clock}
	for i := range int64(6) {
		q.add(testDelivery(i, []string{"a", "b"}[i%2]))
	}
	w := newTestWorker(t, q, []Subscriber{
		{Name: "a", URL: srvA.URL, Secret: keyA},
		{Name: "b", URL: srvB.URL, Secret: keyB},
	}, WorkerOptions{Now: clock.Now, BatchSize: 4})

	for range 2 {
		if _, err := w.poll(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for name, rc := range map[string]*receiver{"a": rcA, "b": rcB} {
		st := rc.stats()
		if diff := cmp.Diff([]error{nil, nil, nil}, st.VerifyErr, cmp.Comparer(errors.Is)); diff != "" {
			t.Errorf("subscriber %s verification (-want +got):\n%s", name, diff)
		}
	}
	for i := range int64(6) {
		if st := q.snapshot(i).state; st != "delivered" {
			t.Errorf("delivery %d state %q, want delivered", i, st)
		}
	}
}

func TestWorkerRunNotifyAndStop(t *testing.T) {
	key := testKey(6)
	rc, srv := newReceiver(t, key, time.Now, always(http.StatusOK))
	rc.got = make(chan string, 1)
	q := &fakeQueue{clock: newFakeClock()}
	w := newTestWorker(t, q, []Subscriber{{Name: "s", URL: srv.URL, Secret: key}}, WorkerOptions{PollInterval: time.Hour})

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	q.add(testDelivery(1, "s"))
	w.Notify()
	w.Notify() // never blocks
	select {
	case <-rc.got:
	case <-time.After(5 * time.Second):
		t.Fatal("Notify did not wake the worker")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
}

func TestWorkerClaimError(t *testing.T) {
	boom := errors.New("db down")
	q := &fakeQueue{clock: newFakeClock(), claimErr: boom}
	w := newTestWorker(t, q, nil, WorkerOptions{})
	if _, err := w.poll(t.Context()); !errors.Is(err, boom) {
		t.Errorf("poll = %v, want it to wrap %v", err, boom)
	}
}

// TestWorkerLogs checks that logs use snake_case keys and never contain the
// payload, the secret or the subscriber URL (which may hold a token).
func TestWorkerLogs(t *testing.T) {
	clock := newFakeClock()
	key := testKey(7)
	_, srv := newReceiver(t, key, clock.Now, failFirst(1))
	q := &fakeQueue{clock: clock}
	q.add(testDelivery(1, "s"))
	q.add(testDelivery(2, "missing"))
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	subURL := srv.URL + "/hook?token=sekrit-token"
	w, err := NewWorker(q, []Subscriber{{Name: "s", URL: subURL, Secret: key}}, logger, WorkerOptions{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	drive(t, w, q, clock, 1, 5)

	out := buf.String()
	for _, secret := range []string{"cluster_id", "sekrit-token", FormatSecret(key)[len(SecretPrefix):]} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q:\n%s", secret, out)
		}
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for line := range strings.Lines(out) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		for k := range rec {
			if !snake.MatchString(k) {
				t.Errorf("log key %q is not snake_case", k)
			}
		}
	}
	for _, msg := range []string{"webhook delivery failed", "webhook delivered", "webhook delivery parked"} {
		if !strings.Contains(out, `"msg":"`+msg+`"`) {
			t.Errorf("no %q log line:\n%s", msg, out)
		}
	}
}

func TestNewWorkerRejects(t *testing.T) {
	ok := Subscriber{Name: "s", URL: "https://example.com/hook", Secret: testKey(1)}
	tests := []struct {
		name string
		q    Queue
		subs []Subscriber
		opts WorkerOptions
	}{
		{name: "nil queue", subs: []Subscriber{ok}},
		{name: "unnamed subscriber", q: &fakeQueue{}, subs: []Subscriber{{URL: ok.URL, Secret: ok.Secret}}},
		{name: "duplicate subscriber", q: &fakeQueue{}, subs: []Subscriber{ok, ok}},
		{name: "relative url", q: &fakeQueue{}, subs: []Subscriber{{Name: "s", URL: "/hook", Secret: ok.Secret}}},
		{name: "ftp url", q: &fakeQueue{}, subs: []Subscriber{{Name: "s", URL: "ftp://example.com/", Secret: ok.Secret}}},
		{name: "empty secret", q: &fakeQueue{}, subs: []Subscriber{{Name: "s", URL: ok.URL}}},
		{name: "negative option", q: &fakeQueue{}, opts: WorkerOptions{MaxAttempts: -1}},
		{name: "lease not above timeout", q: &fakeQueue{}, opts: WorkerOptions{Timeout: time.Minute, Lease: time.Minute}},
		{name: "base above cap", q: &fakeQueue{}, opts: WorkerOptions{BackoffBase: time.Hour, BackoffCap: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewWorker(tt.q, tt.subs, nil, tt.opts); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("NewWorker err = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestNewWorkerDefaults(t *testing.T) {
	w := newTestWorker(t, &fakeQueue{}, nil, WorkerOptions{})
	got := w.opts
	got.Now, got.Rand = nil, nil
	want := WorkerOptions{
		PollInterval: DefaultPollInterval,
		BatchSize:    DefaultBatchSize,
		Timeout:      DefaultTimeout,
		Lease:        DefaultTimeout + 30*time.Second,
		BackoffBase:  DefaultBackoffBase,
		BackoffCap:   DefaultBackoffCap,
		MaxAttempts:  DefaultMaxAttempts,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestBackoffCeiling(t *testing.T) {
	tests := []struct {
		base, limit time.Duration
		failures    int
		want        time.Duration
	}{
		{time.Second, time.Hour, 1, time.Second},
		{time.Second, time.Hour, 2, 2 * time.Second},
		{time.Second, time.Hour, 3, 4 * time.Second},
		{time.Second, time.Hour, 12, 2048 * time.Second},
		{time.Second, time.Hour, 13, time.Hour}, // 4096s capped
		{time.Second, time.Hour, 1000, time.Hour},
		{time.Hour, time.Hour, 1, time.Hour},
		{time.Nanosecond, time.Duration(1<<63 - 1), 200, time.Duration(1<<63 - 1)}, // no overflow
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			if got := backoffCeiling(tt.base, tt.limit, tt.failures); got != tt.want {
				t.Errorf("backoffCeiling(%s, %s, %d) = %s, want %s", tt.base, tt.limit, tt.failures, got, tt.want)
			}
		})
	}
}

// TestBackoffJitter checks full jitter: each delay lies in [0, ceiling],
// the spread covers the range, and the ceiling grows until the cap.
func TestBackoffJitter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := newTestWorker(t, &fakeQueue{}, nil, WorkerOptions{
		BackoffBase: time.Second, BackoffCap: time.Minute, Rand: rng.Int64N,
	})
	prevCeil := time.Duration(0)
	for failures := 1; failures <= 10; failures++ {
		ceil := backoffCeiling(time.Second, time.Minute, failures)
		if ceil < prevCeil {
			t.Errorf("ceiling shrank at %d failures: %s < %s", failures, ceil, prevCeil)
		}
		prevCeil = ceil
		lo, hi := ceil, time.Duration(0)
		for range 500 {
			d := w.backoff(failures)
			if d < 0 || d > ceil {
				t.Fatalf("backoff(%d) = %s, outside [0, %s]", failures, d, ceil)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo > ceil/10 || hi < ceil*9/10 {
			t.Errorf("backoff(%d) spread [%s, %s] does not cover [0, %s]", failures, lo, hi, ceil)
		}
	}
	if prevCeil != time.Minute {
		t.Errorf("ceiling after 10 failures = %s, want the cap", prevCeil)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	zeroRand := func(int64) int64 { return 0 }
	w := newTestWorker(t, &fakeQueue{}, nil, WorkerOptions{BackoffCap: time.Hour, Rand: zeroRand})
	tests := []struct {
		name   string
		status int
		header string
		want   time.Duration
	}{
		{name: "none", status: 503, want: 0},
		{name: "seconds", status: 503, header: "120", want: 2 * time.Minute},
		{name: "http date", status: 429, header: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second},
		{name: "date in the past", status: 429, header: now.Add(-time.Minute).Format(http.TimeFormat), want: 0},
		{name: "negative", status: 503, header: "-5", want: 0},
		{name: "garbage", status: 503, header: "soon", want: 0},
		{name: "capped", status: 503, header: "86400", want: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.header != "" {
				resp.Header.Set("Retry-After", tt.header)
			}
			a := classify(resp, 0, now)
			if got := w.retryDelay(1, a.retryAfter); got != tt.want {
				t.Errorf("retryDelay = %s, want %s", got, tt.want)
			}
		})
	}
}
