package dedup

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// shingleHashesRef and skeletonGramsRef are the plain loops that
// shingleHashes and skeletonGrams compute faster: their hashes are stored
// keys, so the fast versions must give the very same ones.
func shingleHashesRef(toks []uint32, k int) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	out := make([]uint64, max(len(toks)-k+1, 1))
	for i := range out {
		h := uint64(k)
		for _, t := range toks[i:min(i+k, len(toks))] {
			h = mix64(h ^ uint64(t&^stopBit))
		}
		out[i] = h
	}
	return out
}

func skeletonGramsRef(toks []uint32, m int) (grams []uint64, first, last []int32) {
	var pos []int32
	for i, t := range toks {
		if t&stopBit != 0 {
			pos = append(pos, int32(i))
		}
	}
	if len(pos) < m {
		return nil, nil, nil
	}
	for j := 0; j+m <= len(pos); j++ {
		h := uint64(m) << 32
		for _, p := range pos[j : j+m] {
			h = mix64(h ^ uint64(toks[p]))
		}
		grams = append(grams, h)
		first, last = append(first, pos[j]), append(last, pos[j+m-1])
	}
	return grams, first, last
}

func TestShingleAndGramHashesMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		toks := make([]uint32, r.IntN(40))
		stopShare := r.Float64()
		for i := range toks {
			toks[i] = r.Uint32() &^ stopBit
			if r.Float64() < stopShare {
				toks[i] |= stopBit
			}
		}
		for _, k := range []int{1, 3, shingleWords, anchorWords} {
			if got, want := shingleHashes(toks, k), shingleHashesRef(toks, k); !slices.Equal(got, want) {
				t.Fatalf("shingleHashes(%x, %d) = %x, want %x", toks, k, got, want)
			}
		}
		for _, m := range []int{1, 4, skeletonWords} {
			g, f, l := skeletonGrams(toks, m)
			wg, wf, wl := skeletonGramsRef(toks, m)
			if !slices.Equal(g, wg) || !slices.Equal(f, wf) || !slices.Equal(l, wl) {
				t.Fatalf("skeletonGrams(%x, %d) = %x %v %v, want %x %v %v", toks, m, g, f, l, wg, wf, wl)
			}
		}
	}
}

// Verification hashes need not equal the stored ones, but they must tell
// shingles and grams apart as well: equal runs of tokens hash equal and
// different runs differ. A small vocabulary gives many runs that repeat
// and many that differ in one place or in order only.
func TestVerificationHashesTellRunsApart(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vocab := make([]uint32, 40)
	for i := range vocab {
		vocab[i] = r.Uint32() &^ stopBit
		if i%2 == 0 {
			vocab[i] |= stopBit
		}
	}
	toks := make([]uint32, 200_000)
	for i := range toks {
		toks[i] = vocab[r.IntN(len(vocab))]
	}
	check := func(what string, hashes []uint64, run func(i int) [skeletonWords]uint32) {
		t.Helper()
		seen := map[uint64][skeletonWords]uint32{}
		distinct := map[[skeletonWords]uint32]bool{}
		for i, h := range hashes {
			w := run(i)
			distinct[w] = true
			if prev, ok := seen[h]; ok && prev != w {
				t.Fatalf("%s: %x and %x both hash to %x", what, prev, w, h)
			}
			seen[h] = w
		}
		if len(seen) != len(distinct) {
			t.Fatalf("%s: %d hashes for %d distinct runs", what, len(seen), len(distinct))
		}
		if len(distinct) < len(hashes)/4 {
			t.Fatalf("%s: only %d distinct runs among %d: the test shows little", what, len(distinct), len(hashes))
		}
	}
	check("shingles", verifyShingles(toks), func(i int) (w [skeletonWords]uint32) {
		for k := range shingleWords {
			w[k] = toks[i+k] &^ stopBit
		}
		return w
	})
	grams, first, last := verifyGrams(toks)
	var stops []uint32
	for _, tok := range toks {
		if tok&stopBit != 0 {
			stops = append(stops, tok)
		}
	}
	check("grams", grams, func(j int) (w [skeletonWords]uint32) {
		copy(w[:], stops[j:j+skeletonWords])
		return w
	})
	// The grams' spans are skeletonGrams' own.
	_, wf, wl := skeletonGrams(toks, skeletonWords)
	if !slices.Equal(first, wf) || !slices.Equal(last, wl) {
		t.Fatal("verifyGrams spans differ from skeletonGrams'")
	}
	// Short texts: one shingle of all their tokens, and no grams.
	for n := range shingleWords {
		if got := verifyShingles(toks[:n]); len(got) != min(n, 1) {
			t.Errorf("%d tokens: %d shingles", n, len(got))
		}
	}
}
