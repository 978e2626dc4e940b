package store

import (
	"context"

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

// Warm opens the pool's connections, up to its MaxConns, and prepares on
// each the statements that ingesting and checking an article run, so that
// the first requests after a start do not wait for connections and for
// their first statements' parse and describe round trips. On 1M stored
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
				if _, err := c.Conn().Prepare(gctx, sql, sql); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return pgErr("warm connections", g.Wait())
}
