package main

import (
	"context"
	"log/slog"
	"time"
)

// maintainer is a store that vacuums and analyzes its tables itself where
// autovacuum is off (store.DB).
type maintainer interface {
	MaintainIfDue(ctx context.Context, rows int64) (bool, error)
}

const (
	// maintainEvery is how often the server asks whether its tables need
	// a vacuum: autovacuum's own default naptime.
	maintainEvery = time.Minute
	// maintainRows is how many rows go into article_keys before it is
	// due: the insert threshold migration 0006 gives autovacuum (about
	// 10,000 articles).
	maintainRows = 500_000
)

// startMaintenance runs st's MaintainIfDue every `every` and returns the
// function that stops it and waits for it. It does nothing for a store
// without one (the embedded store).
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
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			start := time.Now()
			did, err := m.MaintainIfDue(ctx, maintainRows)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Warn("could not vacuum and analyze the tables", "error", err)
			case did:
				logger.Info("tables vacuumed and analyzed", "duration", time.Since(start))
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
