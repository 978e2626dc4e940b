package store

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// dueMaintainer is a store that vacuums and analyzes its tables itself
// where autovacuum is off (DB).
type dueMaintainer interface {
	MaintainIfDue(ctx context.Context) ([]string, error)
}

// StartMaintenance type-asserts the store; this keeps a change of
// signature from silently turning maintenance off.
var _ dueMaintainer = (*DB)(nil)

// MaintainEvery is how often a command asks whether the tables need a
// vacuum or an analyze. Asking is one catalog query, so it asks more often
// than autovacuum's naptime (a minute): on a new database the plans a
// server keeps are for empty tables until the first ANALYZE, and a bulk
// load adds a vacuum's worth of postings (migration 0006) every few
// seconds.
const MaintainEvery = 10 * time.Second

// StartMaintenance runs st's MaintainIfDue at once and then every `every`,
// until ctx is done (which cancels a vacuum in progress) or stop is called
// (which lets it end). stop returns once nothing runs any more. It does
// nothing for a store without one (the embedded store).
func StartMaintenance(ctx context.Context, st any, every time.Duration, logger *slog.Logger) (stop func()) {
	m, ok := st.(dueMaintainer)
	if !ok {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
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
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}
