package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Worker defaults, used where a WorkerOptions field is zero.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultBatchSize    = 16
	DefaultTimeout      = 15 * time.Second
	DefaultBackoffBase  = time.Second
	DefaultBackoffCap   = time.Hour
	DefaultMaxAttempts  = 10
)

// ErrInvalidConfig means NewWorker was given unusable options or subscribers.
var ErrInvalidConfig = errors.New("invalid webhook worker config")

// WorkerOptions tunes a Worker. Zero values mean the defaults.
type WorkerOptions struct {
	// PollInterval is how long the Worker sleeps when no delivery is due.
	// Notify cuts a sleep short.
	PollInterval time.Duration
	// BatchSize is how many deliveries one poll claims; they are sent
	// concurrently.
	BatchSize int
	// Timeout bounds one HTTP attempt, response included.
	Timeout time.Duration
	// Lease is how long a claim keeps other workers away. It must exceed
	// Timeout, or a slow attempt could be claimed and sent twice. The
	// default is Timeout plus 30s.
	Lease time.Duration
	// BackoffBase and BackoffCap shape the retry delay after n failures: a
	// uniform random duration in [0, min(BackoffCap, BackoffBase·2^(n-1))].
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// MaxAttempts is the number of attempts after which a delivery is parked.
	MaxAttempts int
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Now is the clock; nil means time.Now. It must be safe for concurrent use.
	Now func() time.Time
	// Rand returns a uniform random integer in [0, n); nil means
	// math/rand/v2.Int64N. It must be safe for concurrent use.
	Rand func(n int64) int64
}

// Worker delivers outbox events to subscribers. Create it with NewWorker
// and start it with Run.
type Worker struct {
	queue  Queue
	subs   map[string]Subscriber
	log    *slog.Logger
	opts   WorkerOptions
	client *http.Client
	wake   chan struct{}
}

// NewWorker returns a Worker that claims deliveries from q and sends them to
// subs. A nil logger discards logs. It returns an error wrapping
// ErrInvalidConfig if a subscriber or option is unusable.
func NewWorker(q Queue, subs []Subscriber, logger *slog.Logger, opts WorkerOptions) (*Worker, error) {
	if q == nil {
		return nil, fmt.Errorf("%w: nil queue", ErrInvalidConfig)
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	byName, err := indexSubscribers(subs)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{
		queue:  q,
		subs:   byName,
		log:    logger,
		opts:   opts,
		client: newHTTPClient(opts.Transport, opts.Timeout),
		wake:   make(chan struct{}, 1),
	}, nil
}

func (o WorkerOptions) withDefaults() (WorkerOptions, error) {
	if o.PollInterval < 0 || o.BatchSize < 0 || o.Timeout < 0 || o.Lease < 0 ||
		o.BackoffBase < 0 || o.BackoffCap < 0 || o.MaxAttempts < 0 {
		return o, fmt.Errorf("%w: negative option", ErrInvalidConfig)
	}
	setDefault(&o.PollInterval, DefaultPollInterval)
	setDefault(&o.BatchSize, DefaultBatchSize)
	setDefault(&o.Timeout, DefaultTimeout)
	setDefault(&o.Lease, o.Timeout+30*time.Second)
	setDefault(&o.BackoffBase, DefaultBackoffBase)
	setDefault(&o.BackoffCap, max(DefaultBackoffCap, o.BackoffBase))
	setDefault(&o.MaxAttempts, DefaultMaxAttempts)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Int64N
	}
	if o.Lease <= o.Timeout {
		return o, fmt.Errorf("%w: lease %s must exceed timeout %s", ErrInvalidConfig, o.Lease, o.Timeout)
	}
	if o.BackoffBase > o.BackoffCap {
		return o, fmt.Errorf("%w: backoff base %s exceeds cap %s", ErrInvalidConfig, o.BackoffBase, o.BackoffCap)
	}
	return o, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

func indexSubscribers(subs []Subscriber) (map[string]Subscriber, error) {
	byName := make(map[string]Subscriber, len(subs))
	for _, s := range subs {
		if s.Name == "" {
			return nil, fmt.Errorf("%w: subscriber without a name", ErrInvalidConfig)
		}
		if _, dup := byName[s.Name]; dup {
			return nil, fmt.Errorf("%w: duplicate subscriber %q", ErrInvalidConfig, s.Name)
		}
		// The URL is not echoed: it may carry a token in its query.
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: subscriber %q: url must be absolute http or https", ErrInvalidConfig, s.Name)
		}
		if len(s.Secret) == 0 {
			return nil, fmt.Errorf("%w: subscriber %q: empty secret", ErrInvalidConfig, s.Name)
		}
		s.Secret = append([]byte(nil), s.Secret...)
		byName[s.Name] = s
	}
	return byName, nil
}

// newHTTPClient returns a client that does not follow redirects: Standard
// Webhooks counts a 3xx as a failed attempt, and following one would send
// a signed payload to a URL nobody configured.
func newHTTPClient(rt http.RoundTripper, timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: rt,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Notify wakes a sleeping Run so that newly queued deliveries go out before
// the next poll. It never blocks and may be called from any goroutine.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run polls for due deliveries and sends them until ctx is cancelled, then
// returns nil. Attempts in flight at cancellation are abandoned without
// being recorded; their lease runs out and they are sent again later, with
// the same webhook-id. Queue errors are logged and retried at the next poll.
func (w *Worker) Run(ctx context.Context) error {
	w.log.Info("webhook worker started", "subscribers", len(w.subs), "poll_interval", w.opts.PollInterval)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			w.log.Info("webhook worker stopped")
			return nil
		case <-timer.C:
		case <-w.wake:
		}
		n, err := w.poll(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("claim webhook deliveries", "error", err)
		}
		wait := w.opts.PollInterval
		if err == nil && n == w.opts.BatchSize {
			wait = 0 // a full batch: more may be due right now
		}
		timer.Reset(wait)
	}
}

// poll claims one batch of due deliveries, sends them concurrently and
// records each outcome. It returns how many it claimed.
func (w *Worker) poll(ctx context.Context) (int, error) {
	ds, err := w.queue.ClaimDeliveries(ctx, w.opts.Now(), w.opts.BatchSize, w.opts.Lease)
	if err != nil {
		return 0, fmt.Errorf("claim deliveries: %w", err)
	}
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() { w.deliver(ctx, d) })
	}
	wg.Wait()
	return len(ds), nil
}
