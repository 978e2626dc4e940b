package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

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

func BenchmarkInsertArticlesEmbedded(b *testing.B) {
	benchmarkInsertArticles(b, newTestEmbedded(b))
}
