package dedup

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Shingle widths. Word shingles of shingleWords words carry exact reuse;
// runs of skeletonWords stopwords (with the content words between them
// ignored) carry reworded reuse; anchorWords-word shingles, winnowed, are the
// passage anchors that find partial reuse.
const (
	shingleWords  = 4
	skeletonWords = 6
	anchorWords   = 5
)

// mix64 is the splitmix64 finalizer: a cheap bijection with good avalanche,
// used to combine and spread hashes.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingleHashes returns the hash of every run of k consecutive token hashes,
// in order. A text shorter than k gives one shingle of all its tokens.
func shingleHashes(toks []uint32, k int) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	n := max(len(toks)-k+1, 1)
	out := make([]uint64, n)
	for i := range out {
		h := uint64(k)
		for _, t := range toks[i:min(i+k, len(toks))] {
			h = mix64(h ^ uint64(t&^stopBit))
		}
		out[i] = h
	}
	return out
}

// skeletonGrams returns the hash of every run of m consecutive stopwords,
// with the token index of the run's first and last stopword.
func skeletonGrams(toks []uint32, m int) (grams []uint64, first, last []int32) {
	stops := 0
	for _, t := range toks {
		if t&stopBit != 0 {
			stops++
		}
	}
	if stops < m {
		return nil, nil, nil
	}
	pos := make([]int32, 0, stops)
	for i, t := range toks {
		if t&stopBit != 0 {
			pos = append(pos, int32(i))
		}
	}
	n := stops - m + 1
	grams, first, last = make([]uint64, n), make([]int32, n), make([]int32, n)
	for j := range n {
		h := uint64(m) << 32
		for _, p := range pos[j : j+m] {
			h = mix64(h ^ uint64(toks[p]))
		}
		grams[j], first[j], last[j] = h, pos[j], pos[j+m-1]
	}
	return grams, first, last
}

// encodeTokens packs token hashes as the opaque Fingerprint.Features:
// a format byte, then four little-endian bytes per token.
func encodeTokens(toks []uint32) []byte {
	out := make([]byte, 1+4*len(toks))
	out[0] = featuresFormat
	for i, t := range toks {
		binary.LittleEndian.PutUint32(out[1+4*i:], t)
	}
	return out
}

const featuresFormat = 1

var errFeatures = errors.New("decode features: bad encoding")

func decodeTokens(b []byte) ([]uint32, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] != featuresFormat || (len(b)-1)%4 != 0 {
		return nil, errFeatures
	}
	toks := make([]uint32, (len(b)-1)/4)
	for i := range toks {
		toks[i] = binary.LittleEndian.Uint32(b[1+4*i:])
	}
	return toks, nil
}

// hamming returns the number of differing bits.
func hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }
