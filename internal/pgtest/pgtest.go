// Package pgtest gives a test a fresh Postgres database of its own on the
// server at DEDUP_TEST_DATABASE_URL, and skips or fails the test, as CI
// requires, when a dependency is missing.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Required reports whether a missing test dependency (Postgres, ../shared)
// must fail the test instead of skipping it, as in CI.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("DEDUP_TEST_DB_REQUIRED") == "1"
}

// SkipOrFail skips the test with msg, or fails it when Required.
func SkipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if Required() {
		tb.Fatal(msg + " (required because CI=true or DEDUP_TEST_DB_REQUIRED=1)")
	}
	tb.Skip(msg)
}

// DatabaseURL creates an empty database named prefix plus a unique suffix
// on the server at DEDUP_TEST_DATABASE_URL, drops it when the test ends,
// and returns its URL.
func DatabaseURL(tb testing.TB, prefix string) string {
	tb.Helper()
	base := os.Getenv("DEDUP_TEST_DATABASE_URL")
	if base == "" {
		SkipOrFail(tb, "DEDUP_TEST_DATABASE_URL is not set; set it to a Postgres URL "+
			"(e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) or run make test")
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		tb.Fatalf("DEDUP_TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano())
	ident := pgx.Identifier{name}.Sanitize()
	admin := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin("CREATE DATABASE " + ident); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		if err := admin("DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
