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
