package main

import (
	"context"
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

// openStore opens the Postgres store when cfg.DatabaseURL is set and the
// embedded one in cfg.DataDir otherwise, and brings its schema up to date
// (or, with migrate false, checks it is, failing with
// store.ErrSchemaOutdated). With warm, a Postgres store opens its
// connections before it returns (store.DB.Warm). The caller must call closeStore once nothing
// uses the store any more. The store writes one outbox row per cluster
// event and configured subscriber.
func openStore(ctx context.Context, cfg *Config, migrate, warm bool, logger *slog.Logger) (st database, closeStore func() error, err error) {
	s, closeStore, err := store.OpenConfigured(ctx, store.Config{
		DatabaseURL: cfg.DatabaseURL,
		DataDir:     cfg.DataDir,
		Migrate:     migrate,
		Warm:        warm,
	}, logger, store.WithSubscribers(subscriberNames(cfg.Subscribers)), store.WithGenericPlans())
	if err != nil {
		return nil, nil, err
	}
	return s, closeStore, nil
}
