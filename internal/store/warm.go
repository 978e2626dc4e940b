package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// warmStatements are the statements an ingested or checked article runs:
// Warm prepares them on every connection it opens.
var warmStatements = []string{
	insertArticlesSQL,
	listCandidatesSQL,
	listFingerprintsSQL,
	updateFeaturesSQL,
	lockClusterRowsSQL,
	listClusterOfSQL,
	markMatchedSQL,
	upsertLinksSQL,
	listLinksSQL,
	listMembersSQL,
	getCanonicalSQL,
	insertClusterSQL,
	setMembersSQL,
	updateClusterSQL,
	deleteClusterSQL,
	getClusterSQL,
	getArticleSQL,
	insertEventsSQL,
}

// Warm opens the pool's connections, up to its MaxConns, and prepares and
// plans on each the statements that ingesting and checking an article run,
// so that the first requests after a start do not wait for connections,
// for their first statements' parse and describe round trips, or for
// Postgres to read the catalog entries their plans need. On 1M stored
// articles it shortened a server's slow first seconds (a POST median of
// 0.3 to 1.8 s, against about 12 ms later) in most runs, not all; see
// docs/BENCHMARKS.md, "A cold start".
//
// The schema must be up to date. Connections left idle longer than the
// pool's idle time (pgxpool's 30 minutes, unless pool_max_conn_idle_time
// says otherwise) are closed, down to pool_min_conns.
func (db *DB) Warm(ctx context.Context) error {
	n := int(db.pool.Config().MaxConns)
	conns := make([]*pgxpool.Conn, n)
	// Hold every connection until all are open: released early, one would
	// be acquired again instead of a new one opened.
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Release()
			}
		}
	}()
	g, gctx := errgroup.WithContext(ctx)
	for i := range conns {
		g.Go(func() error {
			c, err := db.pool.Acquire(gctx)
			if err != nil {
				return err
			}
			conns[i] = c
			for _, sql := range warmStatements {
				// Named by its text: pgx then uses it wherever that text
				// is queried on this connection, batches included.
				sd, err := c.Conn().Prepare(gctx, sql, sql)
				if err != nil {
					return err
				}
				if err := plan(gctx, c, sql, len(sd.ParamOIDs)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return pgErr("warm connections", g.Wait())
}

// plan has Postgres plan a prepared statement on c, and so read the
// catalog entries and statistics its plan needs, by running it once with
// every parameter NULL in a read-only transaction that is rolled back.
// Postgres plans before it checks that a statement may write, so a write
// fails there, after planning and before it does anything; that error is
// expected and dropped. A read with NULL parameters finds nothing.
func plan(ctx context.Context, c *pgxpool.Conn, sql string, params int) error {
	tx, err := c.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	_, _ = tx.Exec(ctx, sql, make([]any, params)...)
	return tx.Rollback(ctx)
}
