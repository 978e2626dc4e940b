package dedup

import (
	"math/rand/v2"
	"testing"
)

// novelWords counts what novel marks, on texts with matched and unmatched
// runs of every length around minGap, with and without skipped words.
func TestNovelWordsCountsNovel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := r.IntN(200)
		covered, skip := make([]bool, n), make([]bool, n)
		for i := 0; i < n; {
			run := 1 + r.IntN(2*minGap)
			c := r.IntN(2) == 0
			for j := i; j < min(i+run, n); j++ {
				covered[j] = c
				skip[j] = r.IntN(8) == 0
			}
			i += run
		}
		for _, sk := range [][]bool{nil, skip} {
			if got, want := novelWords(covered, sk), count(novel(covered, sk)); got != want {
				t.Fatalf("novelWords = %d, count(novel) = %d\ncovered %v\nskip %v", got, want, covered, sk)
			}
		}
	}
}
