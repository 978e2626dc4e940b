package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/cmd/bench/peers"
)

// system is one detector configuration: newsdedup or a peer.
type system struct {
	Name  string // short name, as -systems takes it
	Spec  string // what the child runs: see parseSpec
	Label string // for the table
}

// systems are the rows of the table, in order. The "-best" settings are
// the best F1 on eval/newsdup-dev of the grid that `bench tune` searches
// (docs/BENCHMARKS.md has its output); the others are each library's
// documented or default use.
var systems = []system{
	{"newsdedup", "newsdedup", "newsdedup (dedup.Service, memstore)"},
	{"simhash", "simhash:shingle=0,dist=3", "mfonda/simhash: word features, ≤3 bits"},
	{"simhash-best", "simhash:shingle=2,dist=12", "mfonda/simhash: 2-word shingles, ≤12 bits"},
	{"minhash", "minhash:shingle=5,hashes=128,t=0.5", "ekzhu/minhash-lsh: 5-word shingles, 128 hashes, 0.5"},
	{"minhash-best", "minhash:shingle=1,hashes=128,t=0.4", "ekzhu/minhash-lsh: 1-word shingles (words), 128 hashes, 0.4"},
	{"pg_trgm", "pg_trgm:prefix=0,t=0.3", "pg_trgm GIN: whole text, 0.3 (default)"},
	{"pg_trgm-best", "pg_trgm:prefix=1000,t=0.55", "pg_trgm GIN: first 1,000 chars, 0.55"},
}

// lookupSystems returns the systems named in a comma-separated list.
func lookupSystems(names string) ([]system, error) {
	var out []system
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		found := false
		for _, s := range systems {
			if s.Name == n {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown system %q", n)
		}
	}
	return out, nil
}

// spec is a parsed system spec: "newsdedup", or a peer kind followed by
// key=value settings, such as "minhash:shingle=5,hashes=128,t=0.5".
type spec struct {
	Kind     string
	Settings map[string]float64
}

func parseSpec(s string) (spec, error) {
	kind, rest, _ := strings.Cut(s, ":")
	sp := spec{Kind: kind, Settings: map[string]float64{}}
	for _, kv := range strings.Split(rest, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			return spec{}, fmt.Errorf("spec %q: bad setting %q", s, kv)
		}
		sp.Settings[k] = f
	}
	return sp, nil
}

// newPeer builds the peer a spec describes; pgURL is where pg_trgm makes
// its database.
func newPeer(ctx context.Context, sp spec, pgURL string) (peers.Peer, error) {
	set := sp.Settings
	switch sp.Kind {
	case "simhash":
		return peers.NewSimHash(peers.SimHashOptions{Shingle: int(set["shingle"]), MaxDistance: int(set["dist"])})
	case "minhash":
		return peers.NewMinHash(peers.MinHashOptions{Shingle: int(set["shingle"]), NumHash: int(set["hashes"]), Threshold: set["t"], Seed: 42})
	case "pg_trgm":
		return peers.OpenTrigram(ctx, peers.TrigramOptions{AdminURL: pgURL, Threshold: set["t"], Prefix: int(set["prefix"])})
	}
	return nil, fmt.Errorf("unknown peer %q", sp.Kind)
}
