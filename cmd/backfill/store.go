package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/store"
)

// database is what a backfill needs of a store, whichever one it is: the
// engine's store and the checkpoints.
type database interface {
	dedup.Store
	checkpointStore
}

// checkpointStore keeps named resume positions.
type checkpointStore interface {
	// GetCheckpoint returns a checkpoint's value or an error wrapping
	// dedup.ErrNotFound.
	GetCheckpoint(ctx context.Context, name string) (string, error)
	UpsertCheckpoint(ctx context.Context, name, value string) error
}

// errSchemaOutdated means the database lacks migrations and -migrate=false
// forbids applying them.
var errSchemaOutdated = errors.New("the database schema is out of date: run \"server migrate\" or start with -migrate=true")

// openStore opens the Postgres store when cfg.DatabaseURL is set and the
// embedded one in cfg.DataDir otherwise, and brings its schema up to date
// (or, with -migrate=false, checks it is), as the server does. The caller
// must call closeStore once nothing uses the store any more.
func openStore(ctx context.Context, cfg *Config, logger *slog.Logger) (st database, closeStore func() error, err error) {
	if cfg.DatabaseURL == "" {
		// The embedded store migrates as it opens; it belongs to one
		// process at a time, so the server must not be running on it.
		e, err := store.OpenEmbedded(ctx, cfg.DataDir)
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
		}
		logger.Info("opened embedded store", "data_dir", cfg.DataDir)
		return e, e.Close, nil
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if err := prepareSchema(ctx, db, cfg.Migrate, logger); err != nil {
		db.Close()
		return nil, nil, err
	}
	logger.Info("opened database", "database_url", redactURL(cfg.DatabaseURL))
	return db, func() error { db.Close(); return nil }, nil
}

// prepareSchema applies the pending migrations under the store's advisory
// lock (so a server starting at the same time applies each once) or, when
// migrate is false, refuses an outdated schema.
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
