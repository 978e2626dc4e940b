package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// testDBEnv names the Postgres server the DB tests use. TestMain creates a
// fresh database there, migrates it and drops it at the end.
const testDBEnv = "DEDUP_TEST_DATABASE_URL"

// testDatabaseURL points at the fresh test database; "" when testDBEnv is unset.
var testDatabaseURL string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	base := os.Getenv(testDBEnv)
	if base == "" {
		return m.Run()
	}
	ctx := context.Background()
	dbURL, drop, err := createTestDatabase(ctx, base)
	if err != nil {
		fmt.Fprintf(os.Stderr, "create test database: %v\n", err)
		return 1
	}
	defer drop()
	db, err := Open(ctx, dbURL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "open test database: %v\n", err)
		return 1
	}
	_, err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "migrate test database: %v\n", err)
		return 1
	}
	testDatabaseURL = dbURL
	return m.Run()
}

// createTestDatabase creates a database with a random name on the server of
// baseURL and returns its URL and a func that drops it.
func createTestDatabase(ctx context.Context, baseURL string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	name := "newsdedup_test_" + strings.ToLower(rand.Text())
	// An identifier cannot be a $n parameter; this one is generated here and quoted.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, err
	}
	drop := func() {
		conn, err := pgx.Connect(ctx, baseURL)
		if err != nil {
			fmt.Fprintf(os.Stderr, "drop test database %s: %v\n", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop test database %s: %v\n", name, err)
		}
	}
	dbURL, err := withDatabase(baseURL, name)
	if err != nil {
		drop()
		return "", nil, err
	}
	return dbURL, drop, nil
}

// withDatabase returns connString with its database replaced by name. It
// accepts both URL and keyword/value connection strings.
func withDatabase(connString, name string) (string, error) {
	if !strings.Contains(connString, "://") {
		return connString + " dbname=" + name, nil
	}
	u, err := url.Parse(connString)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// requireDB skips a Postgres test when no server is configured, or fails it
// where one is required (CI).
func requireDB(tb testing.TB) {
	tb.Helper()
	if testDatabaseURL != "" {
		return
	}
	msg := "Postgres tests need a server: set " + testDBEnv +
		"=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (any database; tests create their own)"
	if os.Getenv("CI") == "true" || os.Getenv("DEDUP_TEST_DB_REQUIRED") == "1" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

const truncateAllSQL = `
TRUNCATE articles, article_keys, clusters, links, outbox, hook_receipts, checkpoints
RESTART IDENTITY`

// newTestDB opens the test database and empties it when the test ends.
// Tests that use it must not run in parallel: they share one database.
func newTestDB(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	requireDB(tb)
	db, err := Open(context.Background(), testDatabaseURL, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.pool.Exec(context.Background(), truncateAllSQL); err != nil {
			tb.Errorf("truncate: %v", err)
		}
	})
	return db
}

// newTestEmbedded opens an embedded store in a fresh temporary directory.
func newTestEmbedded(tb testing.TB, opts ...Option) *Embedded {
	tb.Helper()
	e, err := OpenEmbedded(context.Background(), tb.TempDir(), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return e
}

const clusterSizesSQL = `
SELECT id, size FROM clusters`

// clusterSizes returns every cluster row with its size column (test hook).
func (db *DB) clusterSizes(ctx context.Context) (map[int64]int, error) {
	rows, _ := db.pool.Query(ctx, clusterSizesSQL)
	sizes := make(map[int64]int)
	var id int64
	var size int
	_, err := pgx.ForEachRow(rows, []any{&id, &size}, func() error {
		sizes[id] = size
		return nil
	})
	return sizes, err
}

// clusterSizes returns every cluster row with its size column (test hook).
func (e *Embedded) clusterSizes(ctx context.Context) (map[int64]int, error) {
	rows, err := e.r.QueryContext(ctx, clusterSizesSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sizes := make(map[int64]int)
	for rows.Next() {
		var id int64
		var size int
		if err := rows.Scan(&id, &size); err != nil {
			return nil, err
		}
		sizes[id] = size
	}
	return sizes, rows.Err()
}
