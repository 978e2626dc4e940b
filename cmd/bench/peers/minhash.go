package peers

import (
	"context"
	"errors"
	"slices"

	minhashlsh "github.com/ekzhu/minhash-lsh"
)

// MinHashOptions configures the MinHash LSH peer.
type MinHashOptions struct {
	Shingle   int     // words per shingle
	NumHash   int     // hash functions per signature
	Threshold float64 // Jaccard similarity the LSH is tuned for and that a match must reach
	Seed      int64   // MinHash seed; the library's command uses 42
}

// MinHash is github.com/ekzhu/minhash-lsh (LSH Forest over MinHash
// signatures of word shingles). Its documentation says an added key is not
// searchable until Index() is called, so the online protocol calls Index()
// after every Add. Query returns candidates; a candidate is a match when
// the Jaccard similarity estimated from the two signatures reaches the
// threshold, the verification step that MinHash LSH use assumes.
//
// A hit's Score is that estimate.
type MinHash struct {
	opts MinHashOptions
	lsh  *minhashlsh.MinhashLSH
	sigs [][]uint64 // nil for a text without words, which is never indexed
}

// NewMinHash returns an empty MinHash LSH peer.
func NewMinHash(opts MinHashOptions) (*MinHash, error) {
	if opts.Shingle < 1 {
		return nil, errors.New("minhash: shingle width must be at least 1")
	}
	if opts.NumHash < 1 {
		return nil, errors.New("minhash: need at least one hash function")
	}
	if opts.Threshold <= 0 || opts.Threshold > 1 {
		return nil, errors.New("minhash: threshold must be in (0, 1]")
	}
	return &MinHash{opts: opts, lsh: minhashlsh.NewMinhashLSH64(opts.NumHash, opts.Threshold)}, nil
}

// Process implements Peer.
func (m *MinHash) Process(_ context.Context, index int, text string) ([]Hit, error) {
	if index != len(m.sigs) {
		return nil, errors.New("minhash: indexes must increase by one")
	}
	sig := m.signature(text)
	m.sigs = append(m.sigs, sig)
	if sig == nil {
		return nil, nil
	}
	var hits []Hit
	for _, key := range m.lsh.Query(sig) {
		i := key.(int)
		if j := jaccard(sig, m.sigs[i]); j >= m.opts.Threshold {
			hits = append(hits, Hit{Index: i, Score: j})
		}
	}
	// Query returns a map's keys: sort, for stable output.
	slices.SortFunc(hits, func(a, b Hit) int { return a.Index - b.Index })
	m.lsh.Add(index, sig)
	m.lsh.Index()
	return hits, nil
}

func (m *MinHash) signature(text string) []uint64 {
	sh := shingles(words(text), m.opts.Shingle)
	if len(sh) == 0 {
		return nil
	}
	mh := minhashlsh.NewMinhash(m.opts.Seed, m.opts.NumHash)
	for _, s := range sh {
		mh.Push([]byte(s))
	}
	return mh.Signature()
}

// jaccard estimates the Jaccard similarity of two sets from their MinHash
// signatures: the share of equal positions.
func jaccard(a, b []uint64) float64 {
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Close implements Peer.
func (m *MinHash) Close(context.Context) error { return nil }
