package dedup

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// setRecurring marks the shingles and grams that touch furniture, and the
// shingles wholly inside it, as their definitions say.
func TestSetRecurringMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := rng.IntN(60)
		toks := make([]uint32, n)
		for i := range toks {
			toks[i] = rng.Uint32N(20)
			if rng.IntN(2) == 0 {
				toks[i] |= stopBit
			}
		}
		p := newProfile(toks, nil)
		var runs []tokenRun
		for at := 0; at < n; {
			at += rng.IntN(8)
			l := 1 + rng.IntN(12)
			if at+l > n {
				break
			}
			runs = append(runs, tokenRun{at: int32(at), n: int32(l)})
			at += l + 1
		}
		p.setRecurring(runs)
		if len(runs) == 0 {
			if p.furniture != nil || p.touching.shingles != nil || p.inside != nil {
				t.Fatal("masks set without runs")
			}
			continue
		}
		for i := range p.shingles {
			words := p.furniture[i:min(i+shingleWords, n)]
			if got, want := p.touching.shingles[i], slices.Contains(words, true); got != want {
				t.Fatalf("n=%d runs=%v shingle %d touching = %v, want %v", n, runs, i, got, want)
			}
			if got, want := p.inside[i], !slices.Contains(words, false); got != want {
				t.Fatalf("n=%d runs=%v shingle %d inside = %v, want %v", n, runs, i, got, want)
			}
		}
		for j := range p.grams {
			if got, want := p.touching.grams[j], slices.Contains(p.furniture[p.first[j]:p.last[j]+1], true); got != want {
				t.Fatalf("n=%d runs=%v gram %d touching = %v, want %v", n, runs, j, got, want)
			}
		}
	}
}
