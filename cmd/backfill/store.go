package main

import (
	"context"
	"log/slog"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/store"
)

// database is what a backfill needs of a store, whichever one it is: the
// engine's store and the checkpoints.
type database interface {
	dedup.Store
	checkpointStore
	// Maintain refreshes statistics (and, on Postgres, the visibility
	// map) after a stretch of bulk writes.
	Maintain(ctx context.Context) error
}

// checkpointStore keeps named resume positions.
type checkpointStore interface {
	// GetCheckpoint returns a checkpoint's value or an error wrapping
	// dedup.ErrNotFound.
	GetCheckpoint(ctx context.Context, name string) (string, error)
	UpsertCheckpoint(ctx context.Context, name, value string) error
}

// openStore opens the Postgres store when cfg.DatabaseURL is set and the
// embedded one in cfg.DataDir otherwise, and brings its schema up to date
// (or, with -migrate=false, checks it is, failing with
// store.ErrSchemaOutdated), as the server does. The embedded store belongs
// to one process at a time, so the server must not be running on it. The
// caller must call closeStore once nothing uses the store any more.
func openStore(ctx context.Context, cfg *Config, logger *slog.Logger) (st database, closeStore func() error, err error) {
	s, closeStore, err := store.OpenConfigured(ctx, store.Config{
		DatabaseURL: cfg.DatabaseURL,
		DataDir:     cfg.DataDir,
		Migrate:     cfg.Migrate,
	}, logger)
	if err != nil {
		return nil, nil, err
	}
	return s, closeStore, nil
}
