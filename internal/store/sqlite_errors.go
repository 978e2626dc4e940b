package store

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// liteErr is pgErr for the embedded store: it wraps err with op and the
// dedup sentinel that applies, classifying by SQLite result code.
func liteErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if hasSentinel(err) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, dedup.ErrNotFound)
	}
	if s := liteSentinel(err); s != nil {
		return fmt.Errorf("%s: %w: %w", op, s, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func liteSentinel(err error) error {
	if errors.Is(err, sql.ErrConnDone) {
		return dedup.ErrUnavailable
	}
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
		sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return dedup.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_CHECK,
		sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return dedup.ErrInvalid
	}
	// Primary codes: the extended ones of these keep the low byte.
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return dedup.ErrUnavailable
	}
	return nil
}
