package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// SQLSTATE codes this package reacts to.
// https://www.postgresql.org/docs/15/errcodes-appendix.html
const (
	sqlstateUniqueViolation           = "23505"
	sqlstateForeignKeyViolation       = "23503"
	sqlstateNotNullViolation          = "23502"
	sqlstateCheckViolation            = "23514"
	sqlstateInvalidTextRepresentation = "22P02"
	sqlstateSerializationFailure      = "40001"
	sqlstateDeadlockDetected          = "40P01"
	sqlstateTooManyConnections        = "53300"
	sqlstateAdminShutdown             = "57P01"
	sqlstateCrashShutdown             = "57P02"
	sqlstateCannotConnectNow          = "57P03"
	// Class 08: connection exceptions.
	sqlstateClassConnectionException = "08"
)

// pgErr wraps err from Postgres with op and, where one applies, the dedup
// sentinel callers test for. It is applied once, where the call is made;
// errors that already carry a sentinel are only wrapped.
func pgErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if hasSentinel(err) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, dedup.ErrNotFound)
	}
	if s := pgSentinel(err); s != nil {
		return fmt.Errorf("%s: %w: %w", op, s, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func hasSentinel(err error) bool {
	return errors.Is(err, dedup.ErrNotFound) || errors.Is(err, dedup.ErrConflict) ||
		errors.Is(err, dedup.ErrInvalid) || errors.Is(err, dedup.ErrUnavailable)
}

// pgSentinel classifies a Postgres or connection error, or returns nil.
func pgSentinel(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case code == sqlstateUniqueViolation, code == sqlstateForeignKeyViolation:
			return dedup.ErrConflict
		case code == sqlstateNotNullViolation, code == sqlstateCheckViolation,
			code == sqlstateInvalidTextRepresentation:
			return dedup.ErrInvalid
		case code == sqlstateTooManyConnections, code == sqlstateAdminShutdown,
			code == sqlstateCrashShutdown, code == sqlstateCannotConnectNow,
			strings.HasPrefix(code, sqlstateClassConnectionException):
			return dedup.ErrUnavailable
		}
		return nil
	}
	if isConnectionError(err) {
		return dedup.ErrUnavailable
	}
	return nil
}

// isConnectionError reports whether err means the server could not be
// reached or the connection broke, so that a later retry may succeed.
func isConnectionError(err error) bool {
	// The caller's own deadline or cancellation is not an outage; leave it
	// for errors.Is(err, context.DeadlineExceeded) to find.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// isRetryable reports whether a transaction failed only because it raced
// another one, so that running it again may succeed.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == sqlstateSerializationFailure || pgErr.Code == sqlstateDeadlockDetected
}
