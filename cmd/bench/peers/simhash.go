package peers

import (
	"context"
	"errors"
	"math/bits"
	"slices"

	"github.com/mfonda/simhash"
)

// SimHashOptions configures the SimHash peer.
type SimHashOptions struct {
	// Shingle is the width of the word shingles hashed as features. 0
	// uses the library's own word features (simhash.NewWordFeatureSet),
	// as its README does.
	Shingle int
	// MaxDistance is the largest Hamming distance between fingerprints
	// that counts as a match: 3 in Manku, Jain and Das Sarma (WWW 2007).
	MaxDistance int
}

// SimHash is github.com/mfonda/simhash: 64-bit Charikar fingerprints
// matched by Hamming distance. The library only fingerprints; for a
// distance below 4 the peer finds candidates with the table scheme of
// Manku et al. (split the fingerprint into 4 blocks of 16 bits: two
// fingerprints within 3 bits agree on at least one block), and for larger
// distances it compares against every stored fingerprint.
//
// A hit's Score is 64 minus the distance: the number of equal bits.
type SimHash struct {
	opts   SimHashOptions
	fps    []uint64
	blocks [4]map[uint16][]int32 // only when opts.MaxDistance < 4
}

// NewSimHash returns an empty SimHash peer.
func NewSimHash(opts SimHashOptions) (*SimHash, error) {
	if opts.Shingle < 0 {
		return nil, errors.New("simhash: shingle width must not be negative")
	}
	if opts.MaxDistance < 0 || opts.MaxDistance > 64 {
		return nil, errors.New("simhash: distance must be in [0, 64]")
	}
	s := &SimHash{opts: opts}
	if opts.MaxDistance < len(s.blocks) {
		for i := range s.blocks {
			s.blocks[i] = map[uint16][]int32{}
		}
	}
	return s, nil
}

// indexed reports whether the peer keeps the block tables: only for a
// distance below the number of blocks, which makes them exact.
func (s *SimHash) indexed() bool { return s.blocks[0] != nil }

// Fingerprint is the text's 64-bit SimHash under the peer's features.
func (s *SimHash) Fingerprint(text string) uint64 {
	if s.opts.Shingle == 0 {
		return simhash.Simhash(simhash.NewWordFeatureSet([]byte(text)))
	}
	sh := shingles(words(text), s.opts.Shingle)
	b := make([][]byte, len(sh))
	for i, x := range sh {
		b[i] = []byte(x)
	}
	return simhash.SimhashBytes(b)
}

// Process implements Peer.
func (s *SimHash) Process(_ context.Context, index int, text string) ([]Hit, error) {
	if index != len(s.fps) {
		return nil, errors.New("simhash: indexes must increase by one")
	}
	fp := s.Fingerprint(text)
	hits := s.match(fp)
	s.add(fp)
	return hits, nil
}

func (s *SimHash) add(fp uint64) {
	index := int32(len(s.fps))
	s.fps = append(s.fps, fp)
	if s.indexed() {
		for b := range s.blocks {
			k := block(fp, b)
			s.blocks[b][k] = append(s.blocks[b][k], index)
		}
	}
}

func (s *SimHash) match(fp uint64) []Hit {
	var hits []Hit
	add := func(i int) {
		if d := bits.OnesCount64(fp ^ s.fps[i]); d <= s.opts.MaxDistance {
			hits = append(hits, Hit{Index: i, Score: float64(64 - d)})
		}
	}
	if !s.indexed() {
		for i := range s.fps {
			add(i)
		}
		return hits
	}
	seen := map[int32]bool{}
	for b := range s.blocks {
		for _, i := range s.blocks[b][block(fp, b)] {
			if !seen[i] {
				seen[i] = true
				add(int(i))
			}
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int { return a.Index - b.Index })
	return hits
}

func block(fp uint64, b int) uint16 { return uint16(fp >> (16 * b)) }

// Close implements Peer.
func (s *SimHash) Close(context.Context) error { return nil }
