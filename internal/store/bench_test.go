package store

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// benchBatch is a backfill-sized batch: 1000 articles of 40 keys each.
func benchBatch(b *testing.B, rng *rand.Rand, n int) []dedup.NewArticle {
	b.Helper()
	batch := make([]dedup.NewArticle, 1000)
	for i := range batch {
		keys := make([]uint64, 40)
		for k := range keys {
			keys[k] = rng.Uint64()
		}
		batch[i] = newArticle("bench", fmt.Sprintf("%d-%d", n, i), keys...)
	}
	return batch
}

func benchmarkInsertArticles(b *testing.B, st dedup.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchBatch(b, rng, n)
		n++
		b.StartTimer()
		if _, err := st.InsertArticles(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertArticlesPostgres(b *testing.B) {
	benchmarkInsertArticles(b, newTestDB(b))
}

// BenchmarkInsertArticlePostgres inserts one article of 60 keys at a time,
// as a POST does.
func BenchmarkInsertArticlePostgres(b *testing.B) {
	st := newTestDB(b)
	rng := rand.New(rand.NewPCG(3, 4))
	keys := make([]uint64, 60)
	n := 0
	for b.Loop() {
		for k := range keys {
			keys[k] = rng.Uint64()
		}
		n++
		if _, err := st.InsertArticles(b.Context(), []dedup.NewArticle{newArticle("bench", fmt.Sprint(n), keys...)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertArticlesEmbedded(b *testing.B) {
	benchmarkInsertArticles(b, newTestEmbedded(b))
}

// BenchmarkListFingerprintsPostgres reads the fingerprints of a match's
// candidates (48 rows, as a POST at 1,000,000 stored reads) and of a
// backfill batch's (900 rows), features of 1.4 kB each as stored articles
// average. cpu-ms/op is this process's CPU: reading and decoding the rows,
// what the store's code decides, without the server's side.
func BenchmarkListFingerprintsPostgres(b *testing.B) {
	st := newTestDB(b)
	rng := rand.New(rand.NewPCG(5, 6))
	const stored = 3000
	var ids []int64
	for n := 0; n < stored; n += 500 {
		batch := make([]dedup.NewArticle, 500)
		for i := range batch {
			batch[i] = newArticle("bench", fmt.Sprint(n+i), rng.Uint64())
			features := make([]byte, 1400)
			for j := range features {
				features[j] = byte(rng.Uint32())
			}
			batch[i].Fingerprint.Features = features
		}
		for _, r := range insert(b, st, batch...) {
			ids = append(ids, r.Article.ID)
		}
	}
	for _, rows := range []int{48, 900} {
		b.Run(fmt.Sprint(rows), func(b *testing.B) {
			query := make([]int64, rows)
			cpu0 := processCPU(b)
			for b.Loop() {
				for i := range query {
					query[i] = ids[rng.IntN(len(ids))]
				}
				if _, err := st.ListFingerprints(b.Context(), query); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
