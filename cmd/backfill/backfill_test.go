package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
)

// story returns a deterministic text of a few paragraphs.
func story(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var paras []string
	for range 5 {
		paras = append(paras, synthSentence(r)+" "+synthSentence(r))
	}
	return strings.Join(paras, "\n\n")
}

func jsonLine(tb testing.TB, fields map[string]string) string {
	tb.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func gzipped(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// smallInputs writes one input of each kind, with bad records among the
// good ones, and returns the inputs and the keys of the good records.
func smallInputs(tb testing.TB, dir string) (inputs, keys []string) {
	tb.Helper()
	const boiler = "\n\nCopyright the wire service, all rights reserved."
	s1, s2, s3, s4 := story(1), story(2), story(3), story(4)
	jsonl := strings.Join([]string{
		jsonLine(tb, map[string]string{"external_id": "a1", "source": "wire", "title": "One", "body": s1}),
		jsonLine(tb, map[string]string{"id": "a2", "source": "wire", "title": "One again", "text": s1 + boiler}), // eval format, a copy of a1
		`{"external_id": "a3", "body": `, // malformed
		``,                               // blank: not a record
		jsonLine(tb, map[string]string{"external_id": "a5", "source": "wire", "body": "   "}),
		`{"external_id": "a6", "source": "wire", "body": "caf` + "\xff" + `"}`,
		jsonLine(tb, map[string]string{"external_id": "a7", "source": "wire", "body": strings.Repeat(s2, 10)}), // oversize
		jsonLine(tb, map[string]string{"external_id": "a8", "source": "wire", "body": "!!! ??? ..."}),          // no words
		jsonLine(tb, map[string]string{"external_id": "a9", "source": "wire", "title": "Two", "body": s2}),
	}, "\n") + "\n"
	csv := "guid,headline,content\n" +
		"c1,Three,\"" + s3 + "\"\n" +
		"c2,\"Two, again\",\"" + s2 + boiler + "\"\n" // a copy of a9, over several lines
	inputs = []string{
		writeFile(tb, filepath.Join(dir, "a.jsonl"), jsonl),
		writeFile(tb, filepath.Join(dir, "b.csv.gz"), gzipped(tb, csv)),
		filepath.Join(dir, "tree"),
	}
	writeFile(tb, filepath.Join(dir, "tree", "x.txt"), "Four\n\n"+s4)
	writeFile(tb, filepath.Join(dir, "tree", "sub", "y.html"), "<html><head><title>Four again</title></head><body><p>"+s4+"</p><p>Copyright the wire service, all rights reserved.</p></body></html>")
	keys = []string{"wire/a1", "wire/a2", "wire/a9", "csvsrc/c1", "csvsrc/c2", "csvsrc/x.txt", "csvsrc/sub/y.html"}
	return inputs, keys
}

// rejectLine is what a test checks of one line of the reject file.
type rejectLine struct{ File, Line, Reason string }

func readRejects(tb testing.TB, path string) []rejectLine {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []rejectLine
	for line := range strings.Lines(string(b)) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 4 {
			tb.Fatalf("reject line %q has %d fields, want 4", line, len(f))
		}
		out = append(out, rejectLine{filepath.Base(f[0]), f[1], f[2]})
	}
	return out
}

func TestBackfillSmallInputs(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			dir := t.TempDir()
			inputs, keys := smallInputs(t, dir)
			rejects := filepath.Join(dir, "rejects.tsv")
			store := be.new(t)
			args := append(append([]string{}, store...), "-batch-size", "2", "-max-record", "4096",
				"-rejects", rejects, "-source", "csvsrc", "-csv-columns", "external_id=guid,title=headline,body=content")
			args = append(args, inputs...)
			ctx := context.Background()

			log, err := runBackfill(ctx, t, args...)
			if err != nil {
				t.Fatalf("backfill: %v\n%s", err, log)
			}
			got := summary(t, log)
			want := map[string]string{"read": "12", "stored": "7", "unchanged": "0", "rejected": "5", "duplicates": "3", "joined": "3", "clusters": "4"}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("summary %s = %s, want %s\n%s", k, got[k], v, log)
				}
			}
			wantRejects := []rejectLine{
				{"a.jsonl", "3", "malformed"}, {"a.jsonl", "5", "missing body"}, {"a.jsonl", "6", "invalid utf-8"},
				{"a.jsonl", "7", "oversize"}, {"a.jsonl", "8", "invalid article"},
			}
			if diff := cmp.Diff(wantRejects, readRejects(t, rejects)); diff != "" {
				t.Errorf("rejects (-want +got):\n%s", diff)
			}
			stored := listStored(t, store)
			checkStoredOnce(t, stored, keys)
			wantClusters := [][]string{
				{"csvsrc/c1"}, {"csvsrc/c2", "wire/a9"}, {"csvsrc/sub/y.html", "csvsrc/x.txt"}, {"wire/a1", "wire/a2"},
			}
			if diff := cmp.Diff(wantClusters, partition(stored)); diff != "" {
				t.Errorf("clusters (-want +got):\n%s", diff)
			}

			// The same command again resumes at the end: nothing to read.
			log, err = runBackfill(ctx, t, args...)
			if err != nil {
				t.Fatalf("second backfill: %v\n%s", err, log)
			}
			if got := summary(t, log); got["read"] != "0" || got["stored"] != "0" {
				t.Errorf("second run read %s and stored %s, want 0 and 0\n%s", got["read"], got["stored"], log)
			}
			if n := len(readRejects(t, rejects)); n != 5 {
				t.Errorf("after the second run the reject file has %d lines, want 5", n)
			}

			// -restart reads everything again and stores nothing twice.
			log, err = runBackfill(ctx, t, append([]string{"-restart"}, args...)...)
			if err != nil {
				t.Fatalf("restarted backfill: %v\n%s", err, log)
			}
			got = summary(t, log)
			if got["read"] != "12" || got["stored"] != "0" || got["unchanged"] != "7" || got["rejected"] != "5" {
				t.Errorf("restarted run: read %s stored %s unchanged %s rejected %s, want 12 0 7 5\n%s",
					got["read"], got["stored"], got["unchanged"], got["rejected"], log)
			}
			if n := len(readRejects(t, rejects)); n != 5 {
				t.Errorf("after -restart the reject file has %d lines, want 5 (rewritten)", n)
			}
			if diff := cmp.Diff(stored, listStored(t, store)); diff != "" {
				t.Errorf("-restart changed the store (-before +after):\n%s", diff)
			}
		})
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	inputs, _ := smallInputs(t, dir)
	data := filepath.Join(dir, "data")
	args := append([]string{"-dry-run", "-data-dir", data, "-max-record", "4096", "-source", "csvsrc",
		"-csv-columns", "external_id=guid,title=headline,body=content"}, inputs...)
	log, err := runBackfill(context.Background(), t, args...)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, log)
	}
	got := summary(t, log)
	if got["msg"] != `"dry` || got["read"] != "12" || got["fingerprinted"] != "7" || got["rejected"] != "5" {
		t.Errorf("dry run summary = %v, want read 12, fingerprinted 7, rejected 5\n%s", got, log)
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run created the data directory (stat: %v)", err)
	}
}

func TestStdin(t *testing.T) {
	lines, keys := synthArticles(30, 7)
	flags := backends[0].new(t)
	cfg, err := parseConfig(append(append([]string{}, flags...), "-batch-size", "7", "-"), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out syncBuffer
	logger := newLogger(cfg, &out)
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	err = backfill(ctx, cfg, st, strings.NewReader(strings.Join(lines, "\n")), &out, logger)
	closeStore()
	if err != nil {
		t.Fatalf("backfill: %v\n%s", err, out.String())
	}
	checkStoredOnce(t, listStored(t, flags), keys)
}

func TestStartAfter(t *testing.T) {
	dir := t.TempDir()
	lines, keys := synthArticles(20, 3)
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), strings.Join(lines, "\n")+"\n")
	flags := backends[0].new(t)
	args := append(append([]string{}, flags...), "-start-after", in+":12", in)
	log, err := runBackfill(context.Background(), t, args...)
	if err != nil {
		t.Fatalf("backfill: %v\n%s", err, log)
	}
	checkStoredOnce(t, listStored(t, flags), keys[12:])

	args = append(append([]string{}, flags...), "-start-after", in+":99", in)
	if _, err := runBackfill(context.Background(), t, args...); err == nil || !strings.Contains(err.Error(), "no such record") {
		t.Errorf("-start-after past the end: err = %v, want no such record", err)
	}
}

// TestMaintainsTheStore checks that the store's maintenance runs during a
// load every -maintain-every records and once at the end, on both stores,
// and that -maintain-every 0 turns it off.
func TestMaintainsTheStore(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			dir := t.TempDir()
			var lines []string
			for i := range 9 {
				lines = append(lines, jsonLine(t, map[string]string{"external_id": fmt.Sprint("m", i), "source": "wire", "body": story(uint64(100 + i))}))
			}
			input := writeFile(t, filepath.Join(dir, "m.jsonl"), strings.Join(lines, "\n")+"\n")
			for _, tt := range []struct {
				every   string
				atLeast int
				atMost  int
			}{
				// 9 records in batches of 2: runs start after 4 and 8
				// records unless one is still going, and once at the end.
				{"4", 2, 3},
				{"0", 0, 0},
			} {
				args := append(append([]string{}, be.new(t)...), "-batch-size", "2", "-maintain-every", tt.every, input)
				log, err := runBackfill(context.Background(), t, args...)
				if err != nil {
					t.Fatalf("backfill -maintain-every %s: %v\n%s", tt.every, err, log)
				}
				if got := summary(t, log)["stored"]; got != "9" {
					t.Errorf("-maintain-every %s: stored = %s, want 9", tt.every, got)
				}
				n := strings.Count(log, `msg="store maintained"`)
				if n < tt.atLeast || n > tt.atMost || strings.Contains(log, "maintenance failed") {
					t.Errorf("-maintain-every %s: %d maintenance runs, want %d to %d\n%s", tt.every, n, tt.atLeast, tt.atMost, log)
				}
			}
		})
	}
}

// TestVacuumsPostingsWhenDue checks that, between the runs of
// -maintain-every, a load into Postgres does what autovacuum would where
// it is off: here it vacuums article_keys, made due after one insert, as
// soon as it starts. -maintain-every 0 turns that off too.
func TestVacuumsPostingsWhenDue(t *testing.T) {
	ctx := context.Background()
	url := testDatabaseURL(t)
	dir := t.TempDir()
	input := func(name string, from int) string {
		var lines []string
		for i := from; i < from+3; i++ {
			lines = append(lines, jsonLine(t, map[string]string{"external_id": fmt.Sprint("v", i), "source": "wire", "body": story(uint64(200 + i))}))
		}
		return writeFile(t, filepath.Join(dir, name), strings.Join(lines, "\n")+"\n")
	}
	load := func(every, in string) string {
		t.Helper()
		log, err := runBackfill(ctx, t, "-database-url", url, "-maintain-every", every, in)
		if err != nil {
			t.Fatalf("backfill -maintain-every %s: %v\n%s", every, err, log)
		}
		return log
	}
	load("0", input("a.jsonl", 0)) // the schema, and postings nothing has vacuumed
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE article_keys SET (autovacuum_enabled = false, autovacuum_vacuum_insert_threshold = 1)`); err != nil {
		t.Fatal(err)
	}
	// The first load's connections publish their counts as they close.
	vacuums := func() (inserted, vacuumed int64) {
		t.Helper()
		if err := conn.QueryRow(ctx, `SELECT n_ins_since_vacuum, vacuum_count FROM pg_stat_user_tables WHERE relname = 'article_keys'`).Scan(&inserted, &vacuumed); err != nil {
			t.Fatal(err)
		}
		return inserted, vacuumed
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if inserted, _ := vacuums(); inserted > 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first load's postings never showed in pg_stat_user_tables")
		}
	}

	if log := load("0", input("b.jsonl", 3)); strings.Contains(log, "tables vacuumed and analyzed") {
		t.Errorf("-maintain-every 0 vacuumed:\n%s", log)
	}
	if _, vacuumed := vacuums(); vacuumed != 0 {
		t.Fatalf("article_keys vacuumed %d times with -maintain-every 0", vacuumed)
	}
	log := load("1000000", input("c.jsonl", 6))
	// VACUUM article_keys, or VACUUM (ANALYZE) article_keys where its
	// changes are also due an analyze.
	if !regexp.MustCompile(`msg="tables vacuumed and analyzed" statements="VACUUM (\(ANALYZE\) )?article_keys`).MatchString(log) {
		t.Errorf("article_keys was due and not vacuumed:\n%s", log)
	}
	// Once at the start and once at the end (the run of -maintain-every).
	if _, vacuumed := vacuums(); vacuumed < 2 {
		t.Errorf("article_keys vacuumed %d times, want at least 2", vacuumed)
	}
}
