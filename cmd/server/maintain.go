package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/store"
)

// maintainer is a store that vacuums and analyzes its tables itself where
// autovacuum is off (store.DB).
type maintainer interface {
	MaintainIfDue(ctx context.Context) ([]string, error)
}

// startMaintenance type-asserts the store; this keeps a change of
// signature from silently turning maintenance off.
var _ maintainer = (*store.DB)(nil)

// maintainEvery is how often the server asks whether its tables need a
// vacuum or an analyze. Asking is one catalog query, so it asks more often
// than autovacuum's naptime (a minute): on a new database the plans the
// server keeps are for empty tables until the first ANALYZE.
const maintainEvery = 10 * time.Second

// startMaintenance runs st's MaintainIfDue at once and then every `every`,
// and returns the function that stops it and waits for it. It does nothing
// for a store without one (the embedded store).
func startMaintenance(ctx context.Context, st any, every time.Duration, logger *slog.Logger) (stop func()) {
	m, ok := st.(maintainer)
	if !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			start := time.Now()
			ran, err := m.MaintainIfDue(ctx)
			if len(ran) > 0 {
				logger.Info("tables vacuumed and analyzed", "statements", strings.Join(ran, "; "), "duration", time.Since(start))
			}
			if err != nil && ctx.Err() == nil {
				logger.Warn("could not vacuum and analyze the tables", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
