// Package dedup is the pure core of newsdedup: it turns article text into
// fingerprints and candidate keys, verifies candidate pairs, classifies each
// link (exact, copy, rewrite, partial) and decides how story clusters grow,
// merge and split.
//
// Everything here is deterministic and does no I/O of its own: persistence is
// reached only through the Store interface declared in store.go, which
// internal/store implements for Postgres and for the embedded on-disk store.
package dedup
