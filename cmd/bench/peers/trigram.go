package peers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/cmd/bench/pgtemp"
)

// TrigramOptions configures the pg_trgm peer.
type TrigramOptions struct {
	// AdminURL is a Postgres URL whose user may create databases; the peer
	// works in a fresh database of its own and drops it on Close.
	AdminURL string
	// Threshold is pg_trgm.similarity_threshold, which the % operator
	// uses: 0.3 is pg_trgm's default.
	Threshold float64
	// Prefix keeps only the first Prefix characters of each text; 0 keeps
	// all of it.
	Prefix int
}

// Trigram is PostgreSQL's pg_trgm: each text goes into a table with a GIN
// trigram index (gin_trgm_ops), and a new text matches the stored rows
// that `body % $1` finds, that is with similarity() at or above
// pg_trgm.similarity_threshold, as the pg_trgm documentation shows.
//
// A hit's Score is similarity().
type Trigram struct {
	opts TrigramOptions
	conn *pgx.Conn
	db   *pgtemp.DB
}

// Trigram's statements. The database is new, so nothing else is in it.
const (
	trigramSchema = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE docs (id integer PRIMARY KEY, body text NOT NULL);
CREATE INDEX docs_body_trgm ON docs USING gin (body gin_trgm_ops);`
	trigramMatch = `
SELECT id, similarity(body, $1)
FROM docs
WHERE body % $1`
	trigramInsert = `INSERT INTO docs (id, body) VALUES ($1, $2)`
)

// OpenTrigram creates a fresh database with the pg_trgm extension and an
// empty indexed table. The caller must Close it, which drops the database.
func OpenTrigram(ctx context.Context, opts TrigramOptions) (*Trigram, error) {
	if opts.Threshold <= 0 || opts.Threshold > 1 {
		return nil, errors.New("pg_trgm: threshold must be in (0, 1]")
	}
	if opts.Prefix < 0 {
		return nil, errors.New("pg_trgm: prefix must not be negative")
	}
	t := &Trigram{opts: opts}
	var err error
	if t.db, err = pgtemp.Create(ctx, opts.AdminURL, "newsdedup_bench_trgm"); err != nil {
		return nil, fmt.Errorf("pg_trgm: %w", err)
	}
	t.conn, err = pgx.Connect(ctx, t.db.URL)
	if err == nil {
		_, err = t.conn.Exec(ctx, trigramSchema)
	}
	if err == nil {
		// A setting, not a value: it cannot be a $n parameter, and
		// set_config is how to pass it as one.
		_, err = t.conn.Exec(ctx, `SELECT set_config('pg_trgm.similarity_threshold', $1, false)`, fmt.Sprint(opts.Threshold))
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("pg_trgm: set up %s: %w", t.db.Name, err), t.Close(ctx))
	}
	return t, nil
}

// Process implements Peer.
func (t *Trigram) Process(ctx context.Context, index int, text string) ([]Hit, error) {
	body := t.clean(text)
	rows, err := t.conn.Query(ctx, trigramMatch, body)
	if err != nil {
		return nil, fmt.Errorf("pg_trgm: match: %w", err)
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		var id int32
		var sim float32
		err := r.Scan(&id, &sim)
		h.Index, h.Score = int(id), float64(sim)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("pg_trgm: match: %w", err)
	}
	if _, err := t.conn.Exec(ctx, trigramInsert, index, body); err != nil {
		return nil, fmt.Errorf("pg_trgm: insert: %w", err)
	}
	return hits, nil
}

// clean makes text storable (valid UTF-8 without NUL) and cuts it to the
// prefix.
func (t *Trigram) clean(text string) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\x00", " ")
	if t.opts.Prefix > 0 {
		n := 0
		for i := range s {
			if n == t.opts.Prefix {
				return s[:i]
			}
			n++
		}
	}
	return s
}

// Close implements Peer: it drops the peer's database.
func (t *Trigram) Close(ctx context.Context) error {
	var errs []error
	if t.conn != nil {
		errs = append(errs, t.conn.Close(ctx))
	}
	if t.db != nil {
		errs = append(errs, t.db.Drop(ctx))
	}
	return errors.Join(errs...)
}
