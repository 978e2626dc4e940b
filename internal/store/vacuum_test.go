package store

import (
	"slices"
	"testing"
)

// Matching reads article_keys by index-only scans, which visit the table for
// every posting on a page that VACUUM has not marked all-visible yet. The
// schema asks autovacuum to get there after every ~10,000 articles rather
// than after the default fifth of the table (migration 0006).
func TestArticleKeysVacuumedAfterInserts(t *testing.T) {
	db := newTestDB(t)
	var opts []string
	if err := db.pool.QueryRow(t.Context(),
		`SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = 'article_keys'::regclass`).Scan(&opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"autovacuum_vacuum_insert_scale_factor=0", "autovacuum_vacuum_insert_threshold=500000"} {
		if !slices.Contains(opts, want) {
			t.Errorf("article_keys reloptions = %v, want %s among them", opts, want)
		}
	}
}
