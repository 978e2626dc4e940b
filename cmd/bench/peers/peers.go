// Package peers holds the near-duplicate detectors newsdedup is measured
// against, each used the way its own documentation suggests, and the online
// protocol of ../shared/eval/README.md that runs any of them: every article
// is matched against the ones stored before it, then stored.
//
// A peer only reports matches. Its clusters are the connected components of
// its matches (union-find), and its links are its matches.
package peers

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Hit is one stored article that a new one matched.
type Hit struct {
	Index int     // position of the stored article in ingest order
	Score float64 // the peer's own similarity measure; higher is more similar
}

// Peer is a detector run through the online protocol.
type Peer interface {
	// Process matches the text against every text processed before it,
	// then stores it under index. Indexes increase by one per call.
	Process(ctx context.Context, index int, text string) ([]Hit, error)
	// Close releases what the peer holds (a database, for pg_trgm).
	Close(ctx context.Context) error
}

// Link is a match between a new article (B) and an earlier one (A).
type Link struct {
	A, B  int
	Score float64
}

// Observer is told how long each article took, and says whether to go
// on to the next one.
type Observer func(index int, took time.Duration) (more bool)

// Run feeds texts to p in order and returns every match as a link. observe
// may be nil; when it says to stop, Run returns the links found so far.
func Run(ctx context.Context, p Peer, texts []string, observe Observer) ([]Link, error) {
	var links []Link
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		hits, err := p.Process(ctx, i, t)
		if err != nil {
			return nil, fmt.Errorf("article %d: %w", i, err)
		}
		for _, h := range hits {
			links = append(links, Link{A: h.Index, B: i, Score: h.Score})
		}
		if observe != nil && !observe(i, time.Since(start)) {
			break
		}
	}
	return links, nil
}

// Filter returns the links scoring at least min.
func Filter(links []Link, min float64) []Link {
	var out []Link
	for _, l := range links {
		if l.Score >= min {
			out = append(out, l)
		}
	}
	return out
}

// Cluster returns, for each of n articles, the smallest index of its
// connected component under links: a peer's clusters are the transitive
// closure of its matches.
func Cluster(n int, links []Link) []int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	for _, l := range links {
		a, b := find(l.A), find(l.B)
		if a == b {
			continue
		}
		// The smaller root wins, so that a cluster is named after its
		// earliest article whatever the order of the links.
		if a > b {
			a, b = b, a
		}
		parent[b] = a
	}
	out := make([]int, n)
	for i := range out {
		out[i] = find(i)
	}
	return out
}

// words splits text into lowercase words of letters, digits and
// apostrophes, the tokens the shingling peers work on.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// shingles returns the w-word shingles of ws joined by spaces; a text
// shorter than w is one shingle, as simhash.Shingle does it.
func shingles(ws []string, w int) []string {
	if len(ws) == 0 {
		return nil
	}
	if w > len(ws) {
		w = len(ws)
	}
	out := make([]string, 0, len(ws)-w+1)
	for i := 0; i+w <= len(ws); i++ {
		out = append(out, strings.Join(ws[i:i+w], " "))
	}
	return out
}
