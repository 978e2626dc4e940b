// Package store persists newsdedup's articles, fingerprints, candidate keys,
// links, clusters and webhook outbox behind the dedup.Store interface.
//
// There are two implementations, held to one conformance test suite:
//
//   - DB, over Postgres through pgx and pgxpool (Open), for the server;
//   - Embedded, over SQLite (modernc.org/sqlite, pure Go) in a data
//     directory (OpenEmbedded), for single-process use without a server.
//
// Fingerprint hashes and candidate keys are uint64 in dedup but BIGINT (signed)
// in SQL; this package alone converts between them, bit for bit.
//
// Errors wrap dedup.ErrNotFound, dedup.ErrConflict, dedup.ErrInvalid or
// dedup.ErrUnavailable where those apply, so callers can test them with
// errors.Is whichever store they use.
package store
