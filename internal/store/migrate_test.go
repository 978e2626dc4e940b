package store

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/migrations"
)

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []string // file names in order
		wantErr string
	}{
		{"in version order", fstest.MapFS{
			"0002_b.sql": file("B"), "0010_c.sql": file("C"), "0001_a.sql": file("A"), "README.md": file("-"),
		}, []string{"0001_a.sql", "0002_b.sql", "0010_c.sql"}, ""},
		{"duplicate number", fstest.MapFS{
			"0001_a.sql": file("A"), "0002_b.sql": file("B"), "0002_c.sql": file("C"),
		}, nil, "share version 2"},
		{"missing number", fstest.MapFS{"create_articles.sql": file("A")}, nil, "not named"},
		{"short number", fstest.MapFS{"1_a.sql": file("A")}, nil, "not named"},
		{"upper case", fstest.MapFS{"0001_Articles.sql": file("A")}, nil, "not named"},
		{"empty", fstest.MapFS{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadMigrations = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, migrationNames(ms)); d != "" {
				t.Errorf("names (-want +got):\n%s", d)
			}
		})
	}
}

func migrationNames(ms []migration) []string {
	var names []string
	for _, m := range ms {
		names = append(names, m.name)
	}
	return names
}

// TestEmbeddedMigrations checks the shipped files: numbered without
// duplicates, no stray files, and the same list for both stores, which must
// keep the same logical schema.
func TestEmbeddedMigrations(t *testing.T) {
	pg, err := loadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := sqliteMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 {
		t.Fatal("no Postgres migrations embedded")
	}
	if d := cmp.Diff(migrationNames(pg), migrationNames(lite)); d != "" {
		t.Errorf("Postgres and SQLite migrations differ (-postgres +sqlite):\n%s", d)
	}
	for i, m := range pg {
		if m.version != i+1 {
			t.Errorf("%s: version %d, want %d (no gaps)", m.name, m.version, i+1)
		}
	}
	// Every file in the directory must be a migration the loader sees.
	entries, err := os.ReadDir("../../migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && n != "embed.go" && !slices.Contains(migrationNames(pg), n) {
			t.Errorf("stray file migrations/%s", n)
		}
	}
}

func TestMigratePostgres(t *testing.T) {
	requireDB(t)
	ctx := t.Context()
	dbURL, drop, err := createTestDatabase(ctx, os.Getenv(testDBEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	db, err := Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if ok, err := db.SchemaUpToDate(ctx); err != nil || ok {
		t.Fatalf("SchemaUpToDate on an empty database = %v, %v; want false", ok, err)
	}
	want, err := loadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent callers, as replicas starting at once: each file applies once.
	var mu sync.Mutex
	var applied []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			names, err := db.Migrate(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			applied = append(applied, names...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(applied)
	if d := cmp.Diff(migrationNames(want), applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	if names, err := db.Migrate(ctx); err != nil || len(names) != 0 {
		t.Errorf("second Migrate = %v, %v; want nothing to do", names, err)
	}
	if ok, err := db.SchemaUpToDate(ctx); err != nil || !ok {
		t.Errorf("SchemaUpToDate after Migrate = %v, %v; want true", ok, err)
	}
}

func TestMigrateEmbeddedReopen(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		e, err := OpenEmbedded(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.r.QueryRowContext(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want, _ := sqliteMigrations(); n != len(want) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(want))
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
