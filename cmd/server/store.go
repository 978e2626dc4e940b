package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/httpapi"
	"github.com/newsdedup/newsdedup/internal/store"
)

// database is what the server needs of a store, whichever one it is.
type database interface {
	dedup.Store
	httpapi.Pinger
	outboxStore
}

// errSchemaOutdated means the database lacks migrations and -migrate=false
// forbids applying them.
var errSchemaOutdated = errors.New("the database schema is out of date: run \"server migrate\" or start with -migrate=true")

// openStore opens the Postgres store when cfg.DatabaseURL is set and the
// embedded one in cfg.DataDir otherwise, and brings its schema up to date
// (or, with migrate false, checks it is). The caller must call closeStore
// once nothing uses the store any more. The store writes one outbox row
// per cluster event and configured subscriber.
func openStore(ctx context.Context, cfg *Config, migrate bool, logger *slog.Logger) (st database, closeStore func() error, err error) {
	subscribers := store.WithSubscribers(subscriberNames(cfg.Subscribers))
	if cfg.DatabaseURL == "" {
		// The embedded store applies its migrations as it opens: it belongs
		// to this one process, so there is no separate step to wait for.
		e, err := store.OpenEmbedded(ctx, cfg.DataDir, subscribers)
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
		}
		logger.Info("opened embedded store", "data_dir", cfg.DataDir)
		return e, e.Close, nil
	}

	db, err := store.Open(ctx, cfg.DatabaseURL, subscribers)
	if err != nil {
		return nil, nil, err
	}
	closeDB := func() error { db.Close(); return nil }
	if err := prepareSchema(ctx, db, migrate, logger); err != nil {
		db.Close()
		return nil, nil, err
	}
	logger.Info("opened database", "database_url", redactURL(cfg.DatabaseURL))
	return db, closeDB, nil
}

// prepareSchema applies the pending migrations (under the store's advisory
// lock, so that replicas starting together apply each once) or, when migrate
// is false, refuses an outdated schema.
func prepareSchema(ctx context.Context, db *store.DB, migrate bool, logger *slog.Logger) error {
	if !migrate {
		ok, err := db.SchemaUpToDate(ctx)
		if err != nil {
			return fmt.Errorf("check schema: %w", err)
		}
		if !ok {
			return errSchemaOutdated
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
