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

// encodeTokens packs token hashes and figures as the opaque
// Fingerprint.Features: a format byte, the number of tokens (uvarint), four
// little-endian bytes per token, then per figure its distance from the
// previous figure's start and its length in tokens less one (uvarints).
func encodeTokens(toks []uint32, figures []figure) []byte {
	out := make([]byte, 0, 1+binary.MaxVarintLen64+4*len(toks)+2*len(figures))
	out = append(out, featuresFormat)
	out = binary.AppendUvarint(out, uint64(len(toks)))
	for _, t := range toks {
		out = binary.LittleEndian.AppendUint32(out, t)
	}
	prev := int32(-1)
	for _, f := range figures {
		out = binary.AppendUvarint(out, uint64(f.at-prev))
		out = binary.AppendUvarint(out, uint64(f.n-1))
		prev = f.at
	}
	return out
}

// featuresFormat 2 added the figures to format 1's tokens.
const (
	featuresFormat   = 2
	featuresFormatV1 = 1
)

var errFeatures = errors.New("decode features: bad encoding")

func decodeTokens(b []byte) (toks []uint32, figures []figure, err error) {
	if len(b) == 0 {
		return nil, nil, nil
	}
	switch b[0] {
	case featuresFormatV1:
		if (len(b)-1)%4 != 0 {
			return nil, nil, errFeatures
		}
		return readTokens(b[1:], (len(b)-1)/4), nil, nil
	case featuresFormat:
	default:
		return nil, nil, errFeatures
	}
	n, k := binary.Uvarint(b[1:])
	rest := b[1:]
	if k <= 0 || n > uint64(len(rest)-k)/4 {
		return nil, nil, errFeatures
	}
	rest = rest[k:]
	toks = readTokens(rest, int(n))
	rest = rest[4*n:]
	prev := int64(-1)
	for len(rest) > 0 {
		gap, k := binary.Uvarint(rest)
		if k <= 0 || gap == 0 || gap > n {
			return nil, nil, errFeatures
		}
		rest = rest[k:]
		more, k := binary.Uvarint(rest)
		if k <= 0 || more >= n {
			return nil, nil, errFeatures
		}
		rest = rest[k:]
		prev += int64(gap)
		if prev+int64(more) >= int64(n) {
			return nil, nil, errFeatures
		}
		figures = append(figures, figure{at: int32(prev), n: int32(more) + 1})
	}
	return toks, figures, nil
}

func readTokens(b []byte, n int) []uint32 {
	toks := make([]uint32, n)
	for i := range toks {
		toks[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return toks
}

// hamming returns the number of differing bits.
func hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }
