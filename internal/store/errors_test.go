package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestPgErr(t *testing.T) {
	pgError := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want error // nil: no sentinel
	}{
		{"no rows", pgx.ErrNoRows, dedup.ErrNotFound},
		{"unique violation", pgError(sqlstateUniqueViolation), dedup.ErrConflict},
		{"foreign key violation", pgError(sqlstateForeignKeyViolation), dedup.ErrConflict},
		{"check violation", pgError(sqlstateCheckViolation), dedup.ErrInvalid},
		{"bad json", pgError(sqlstateInvalidTextRepresentation), dedup.ErrInvalid},
		{"admin shutdown", pgError(sqlstateAdminShutdown), dedup.ErrUnavailable},
		{"connection failure", pgError("08006"), dedup.ErrUnavailable},
		{"broken connection", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), dedup.ErrUnavailable},
		{"deadlock", pgError(sqlstateDeadlockDetected), nil},
		{"syntax error", pgError("42601"), nil},
		{"caller's deadline", context.DeadlineExceeded, nil},
		{"already classified", fmt.Errorf("inner: %w", dedup.ErrNotFound), dedup.ErrNotFound},
	}
	sentinels := []error{dedup.ErrNotFound, dedup.ErrConflict, dedup.ErrInvalid, dedup.ErrUnavailable}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pgErr("op", tt.err)
			if !errors.Is(got, tt.err) && !errors.Is(tt.err, pgx.ErrNoRows) {
				t.Errorf("pgErr(%v) = %v, lost the cause", tt.err, got)
			}
			for _, s := range sentinels {
				if errors.Is(got, s) != (s == tt.want) {
					t.Errorf("errors.Is(pgErr(%v), %v) = %v", tt.err, s, !(s == tt.want))
				}
			}
		})
	}
	if pgErr("op", nil) != nil {
		t.Error("pgErr(nil) != nil")
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name string
		url  string
		want error
	}{
		{"malformed url", "postgres://[::1", dedup.ErrInvalid},
		// Nothing listens on port 1.
		{"unreachable server", "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=5", dedup.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(ctx, tt.url)
			if err == nil {
				db.Close()
			}
			wantErr(t, err, tt.want)
		})
	}
}
