// Package migrations holds the database schema as numbered, forward-only SQL
// files, embedded into the binary so that one command can migrate a fresh
// install. internal/store applies them (see store.Migrate).
//
// Files are named NNNN_description.sql. Never edit a file once it has been
// merged: add a new one instead. The store's tests reject duplicate numbers.
package migrations

import "embed"

// FS holds the Postgres migrations (*.sql at the top of this directory).
//
//go:embed *.sql
var FS embed.FS

// SQLiteFS holds the migrations of the embedded on-disk store, under sqlite/.
// They create the same logical tables as FS in SQLite's dialect.
//
//go:embed sqlite/*.sql
var SQLiteFS embed.FS
