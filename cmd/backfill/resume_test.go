package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// cancelAfter cancels a run's context as its n-th batch is inserted.
type cancelAfter struct {
	database
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) InsertArticles(ctx context.Context, a []dedup.NewArticle) ([]dedup.InsertResult, error) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.database.InsertArticles(ctx, a)
}

// crashAttach fails the cluster transaction of the n-th batch, as a crash
// between the insert commit and the cluster commit would leave it.
type crashAttach struct {
	database
	n int
}

var errCrash = errors.New("simulated crash")

func (c *crashAttach) LockClusters(ctx context.Context, ids []int64, fn func(context.Context, dedup.ClusterTx, map[int64]int64) error) error {
	if c.n--; c.n == 0 {
		return errCrash
	}
	return c.database.LockClusters(ctx, ids, fn)
}

// backfillWith runs one backfill of args through wrap(store).
func backfillWith(ctx context.Context, tb testing.TB, args []string, wrap func(database) database) (string, error) {
	tb.Helper()
	cfg, err := parseConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	var out syncBuffer
	logger := newLogger(cfg, &out)
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		tb.Fatal(err)
	}
	defer closeStore()
	err = backfill(ctx, cfg, wrap(st), nil, &out, logger)
	return out.String(), err
}

// TestResume stops a run partway, in the two ways a run can stop before
// its end, and checks that the same command then completes it as one
// uninterrupted run would have.
func TestResume(t *testing.T) {
	lines, keys := synthArticles(400, 11)
	in := writeFile(t, filepath.Join(t.TempDir(), "in.jsonl"), strings.Join(lines, "\n")+"\n")
	stops := []struct {
		name string
		wrap func(cancel context.CancelFunc) func(database) database
		want error
	}{
		{"signal", func(cancel context.CancelFunc) func(database) database {
			return func(st database) database { return &cancelAfter{database: st, n: 5, cancel: cancel} }
		}, errInterrupted},
		{"crash between insert and clusters", func(context.CancelFunc) func(database) database {
			return func(st database) database { return &crashAttach{database: st, n: 5} }
		}, errCrash},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ref := be.new(t)
			if log, err := runBackfill(context.Background(), t, append(append([]string{}, ref...), "-batch-size", "30", in)...); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, log)
			}
			want := partition(listStored(t, ref))
			for _, stop := range stops {
				t.Run(stop.name, func(t *testing.T) {
					args := append(append([]string{}, be.new(t)...), "-batch-size", "30", in)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					log, err := backfillWith(ctx, t, args, stop.wrap(cancel))
					if !errors.Is(err, stop.want) {
						t.Fatalf("stopped run: err = %v, want %v\n%s", err, stop.want, log)
					}
					first := summary(t, log)
					if first["read"] == "0" || first["read"] == "400" {
						t.Fatalf("stopped run read %s records, want some but not all\n%s", first["read"], log)
					}
					log, err = runBackfill(context.Background(), t, args...)
					if err != nil {
						t.Fatalf("resumed run: %v\n%s", err, log)
					}
					stored := listStored(t, args[:2])
					checkStoredOnce(t, stored, keys)
					if diff := cmp.Diff(want, partition(stored)); diff != "" {
						t.Errorf("clusters differ from an uninterrupted run (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}
