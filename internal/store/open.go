package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/envflag"
)

// Store is what the commands use of a store, whichever one OpenConfigured
// opens: both DB and Embedded implement all of it.
type Store interface {
	dedup.Store
	dedup.RecentLister
	Ping(ctx context.Context) error
	// Maintain refreshes statistics (and, on Postgres, the visibility
	// map) after a stretch of bulk writes.
	Maintain(ctx context.Context) error

	GetCheckpoint(ctx context.Context, name string) (string, error)
	UpsertCheckpoint(ctx context.Context, name, value string) error

	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error
	MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error
	ListDeliveries(ctx context.Context, status DeliveryStatus, limit int) ([]Delivery, error)
	Redeliver(ctx context.Context, id int64) error
	GetHookReceipt(ctx context.Context, webhookID string) (*HookReceipt, error)
	InsertHookReceipt(ctx context.Context, r HookReceipt) (*HookReceipt, bool, error)
}

var (
	_ Store = (*DB)(nil)
	_ Store = (*Embedded)(nil)
)

// Config says which store OpenConfigured opens.
type Config struct {
	// DatabaseURL, when set, selects Postgres; it may hold a password,
	// which is redacted from the log.
	DatabaseURL string
	// DataDir is the directory of the embedded store, used when
	// DatabaseURL is empty.
	DataDir string
	// Migrate applies the pending Postgres migrations; when false, an
	// outdated schema is refused with ErrSchemaOutdated. The embedded store
	// always migrates as it opens.
	Migrate bool
	// Warm opens the Postgres pool's connections and prepares the
	// statements of ingestion on them before OpenConfigured returns (see
	// DB.Warm), for a server that is about to take requests. A failure is
	// logged, not returned: connections then open as requests need them.
	Warm bool
}

// ErrSchemaOutdated means the database lacks migrations and -migrate=false
// forbids applying them.
var ErrSchemaOutdated = errors.New("the database schema is out of date: run \"server migrate\" or start with -migrate=true")

// OpenConfigured opens the Postgres store when cfg.DatabaseURL is set and the
// embedded one in cfg.DataDir otherwise, and brings its schema up to date
// (or, with cfg.Migrate false, checks it is). opts go to Open or
// OpenEmbedded. The caller must call closeStore once nothing uses the store
// any more.
func OpenConfigured(ctx context.Context, cfg Config, logger *slog.Logger, opts ...Option) (st Store, closeStore func() error, err error) {
	if cfg.DatabaseURL == "" {
		// The embedded store applies its migrations as it opens: it belongs
		// to one process at a time, so there is no separate step to wait
		// for (and no server may be running on it meanwhile).
		e, err := OpenEmbedded(ctx, cfg.DataDir, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
		}
		logger.Info("opened embedded store", "data_dir", cfg.DataDir)
		return e, e.Close, nil
	}
	db, err := Open(ctx, cfg.DatabaseURL, opts...)
	if err != nil {
		return nil, nil, err
	}
	if err := prepareSchema(ctx, db, cfg.Migrate, logger); err != nil {
		db.Close()
		return nil, nil, err
	}
	if cfg.Warm {
		if err := db.Warm(ctx); err != nil {
			logger.Warn("could not open the connections ahead of requests", "error", err)
		}
	}
	logger.Info("opened database", "database_url", envflag.RedactURL(cfg.DatabaseURL))
	return db, func() error { db.Close(); return nil }, nil
}

// prepareSchema applies the pending migrations under the store's advisory
// lock (so that processes starting together apply each once) or, when
// migrate is false, refuses an outdated schema.
func prepareSchema(ctx context.Context, db *DB, migrate bool, logger *slog.Logger) error {
	if !migrate {
		ok, err := db.SchemaUpToDate(ctx)
		if err != nil {
			return fmt.Errorf("check schema: %w", err)
		}
		if !ok {
			return ErrSchemaOutdated
		}
		return nil
	}
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		logger.Info("applied migration", "file", name)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
