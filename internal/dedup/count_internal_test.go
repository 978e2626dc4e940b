package dedup

import (
	"math/rand/v2"
	"testing"
)

// TestCountMatchesLoop checks the eight-at-a-time counts against a plain
// loop, for every length up to 40 (tails included) and for sub-slices that
// start at odd offsets.
func TestCountMatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 40; n++ {
		for trial := 0; trial < 50; trial++ {
			a, b := make([]bool, n+3), make([]bool, n+3)
			for i := range a {
				a[i], b[i] = r.IntN(3) == 0, r.IntN(2) == 0
			}
			off := trial % 4
			a, b = a[off:off+n], b[off:]
			wantA, wantBoth := 0, 0
			for i := range a {
				if a[i] {
					wantA++
					if b[i] {
						wantBoth++
					}
				}
			}
			if got := count(a); got != wantA {
				t.Fatalf("count(%v) = %d, want %d", a, got, wantA)
			}
			if got := countBoth(a, b); got != wantBoth {
				t.Fatalf("countBoth(%v, %v) = %d, want %d", a, b, got, wantBoth)
			}
		}
	}
}
