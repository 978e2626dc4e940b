package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"time"

	"github.com/IBM/pgxpoolprometheus"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/gcpolicy"
	"github.com/newsdedup/newsdedup/internal/httpapi"
	"github.com/newsdedup/newsdedup/internal/store"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// serveAPI wires the service, the HTTP API and the event worker over st and
// serves until ctx is done. The worker keeps delivering while the HTTP
// server drains and stops after it, before the caller closes the store.
func serveAPI(ctx context.Context, cfg *Config, st database, logger *slog.Logger) error {
	metrics := httpapi.NewMetrics()
	// Events are written only when someone receives them: the outbox has
	// one row per event and subscriber.
	svc := dedup.NewService(st, dedup.Options{
		Observer: metrics, EmitEvents: len(cfg.Subscribers) > 0, ProfileCacheBytes: dedup.ProfileCacheMiB(cfg.ProfileCacheMB),
	})
	metrics.WatchProfileCache(svc.ProfileCacheStats)
	warmProfiles(ctx, svc, logger)
	growHeap(logger)
	if pool, ok := st.(pgxpoolprometheus.Stater); ok {
		// Postgres: how busy the pool is, and how long requests wait for
		// a connection (pgxpool_empty_acquire_wait_time_ns).
		metrics.Register(pgxpoolprometheus.NewCollector(pool, nil))
	}
	ob := &outbox{st: st}
	worker, err := newWorker(cfg, ob, logger)
	if err != nil {
		return err
	}
	var verifier *webhooks.Verifier
	if len(cfg.HookKeys) > 0 {
		if verifier, err = webhooks.NewVerifier(cfg.HookKeys...); err != nil {
			return fmt.Errorf("hook secrets: %w", err)
		}
	}
	handler := httpapi.NewServer(svc, st, metrics, logger, httpapi.Config{
		APIToken:          cfg.APIToken,
		MaxBodyBytes:      cfg.MaxBodyBytes,
		MaxBatchBodyBytes: cfg.MaxBatchBytes,
		TrustedProxies:    cfg.TrustedProxies,
		RequestTimeout:    requestTimeout,
		MaxInFlight:       cfg.MaxInFlight,
		IngestRunners:     cfg.IngestRunners,
		HookVerifier:      verifier,
		HookReceipts:      receipts{st: st},
		HookMaxBodyBytes:  cfg.HookMaxBodyBytes,
		Events:            ob,
	})
	stopDebug, err := startDebug(cfg.DebugAddr, logger)
	if err != nil {
		return err
	}
	defer stopDebug()
	stopWorker := startWorker(ctx, worker)
	defer stopWorker()
	// Where autovacuum is off, nothing else vacuums and analyzes the
	// tables as they grow.
	stopMaintenance := store.StartMaintenance(ctx, st, store.MaintainEvery, logger)
	defer stopMaintenance()
	return serve(ctx, cfg.Addr, handler, logger)
}

// newWorker returns the worker that delivers events to the subscribers, or
// nil when there are none. A redelivery wakes it.
func newWorker(cfg *Config, ob *outbox, logger *slog.Logger) (*webhooks.Worker, error) {
	if len(cfg.Subscribers) == 0 {
		return nil, nil
	}
	w, err := webhooks.NewWorker(ob, cfg.Subscribers, logger, cfg.Webhook.workerOptions())
	if err != nil {
		return nil, fmt.Errorf("webhook worker: %w", err)
	}
	ob.notify = w.Notify
	return w, nil
}

// startWorker runs w (if not nil) in a goroutine and returns the function
// that stops it and waits for it. The worker keeps delivering while the
// HTTP server drains, so it runs on a context of its own rather than ctx.
// Attempts in flight when it stops are abandoned unrecorded; their claims
// expire and they are sent again, with the same webhook-id.
func startWorker(ctx context.Context, w *webhooks.Worker) (stop func()) {
	if w == nil {
		return func() {}
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Run returns nil when wctx ends and logs its own failures.
		_ = w.Run(wctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// warmProfileTimeout bounds how long the server decodes stored profiles
// before it listens.
const warmProfileTimeout = 30 * time.Second

// warmProfiles fills the profile cache with the newest stored articles'
// profiles before the server listens (dedup.Service.WarmProfiles). A
// failure is logged: the cache then fills as requests need it.
func warmProfiles(ctx context.Context, svc *dedup.Service, logger *slog.Logger) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, warmProfileTimeout)
	defer cancel()
	n, err := svc.WarmProfiles(ctx)
	if err != nil {
		logger.Warn("profile cache not warmed", "err", err)
		return
	}
	if n > 0 {
		logger.Info("profile cache warmed", "articles", n, "duration", time.Since(start).Round(time.Millisecond))
	}
}

// growHeap has the heap take the memory the collector will let it use
// (gcpolicy.GrowHeap), up to half the soft memory limit, before the
// server listens. Without a limit (GOGC=off and no GOMEMLIMIT) the goal
// has no bound, and it does nothing.
func growHeap(logger *slog.Logger) {
	limit := debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		return
	}
	start := time.Now()
	n := gcpolicy.GrowHeap(uint64(limit) / 2)
	logger.Info("heap grown", "mib", n>>20, "duration", time.Since(start).Round(time.Millisecond))
}
