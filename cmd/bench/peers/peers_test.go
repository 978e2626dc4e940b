package peers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCluster(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		links []Link
		want  []int
	}{
		{"no links", 3, nil, []int{0, 1, 2}},
		{"one pair", 3, []Link{{A: 0, B: 2}}, []int{0, 1, 0}},
		{"chain is transitive", 4, []Link{{A: 0, B: 1}, {A: 1, B: 2}, {A: 2, B: 3}}, []int{0, 0, 0, 0}},
		{"named after the earliest whatever the order", 5, []Link{{A: 3, B: 4}, {A: 1, B: 4}, {A: 2, B: 3}}, []int{0, 1, 1, 1, 1}},
		{"two components", 6, []Link{{A: 0, B: 5}, {A: 2, B: 4}, {A: 4, B: 5}, {A: 1, B: 3}}, []int{0, 1, 0, 1, 0, 0}},
		{"self link", 2, []Link{{A: 1, B: 1}}, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Cluster(tt.n, tt.links)); diff != "" {
				t.Errorf("Cluster (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	links := []Link{{A: 0, B: 1, Score: 0.2}, {A: 0, B: 2, Score: 0.5}, {A: 1, B: 2, Score: 0.9}}
	want := []Link{{A: 0, B: 2, Score: 0.5}, {A: 1, B: 2, Score: 0.9}}
	if diff := cmp.Diff(want, Filter(links, 0.5)); diff != "" {
		t.Errorf("Filter (-want +got):\n%s", diff)
	}
}

func TestShingles(t *testing.T) {
	tests := []struct {
		name string
		text string
		w    int
		want []string
	}{
		{"pairs", "The cat, the hat.", 2, []string{"the cat", "cat the", "the hat"}},
		{"shorter than w is one shingle", "Bonn's talks", 5, []string{"bonn's talks"}},
		{"no words", " -- ", 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, shingles(words(tt.text), tt.w)); diff != "" {
				t.Errorf("shingles (-want +got):\n%s", diff)
			}
		})
	}
}

// The block index must find exactly what comparing with every stored
// fingerprint finds.
func TestSimHashIndexMatchesScan(t *testing.T) {
	idx, err := NewSimHash(SimHashOptions{MaxDistance: 3})
	if err != nil {
		t.Fatal(err)
	}
	scan := &SimHash{opts: SimHashOptions{MaxDistance: 3}} // no block tables
	r := rand.New(rand.NewPCG(1, 2))
	var fps []uint64
	for i := range 3000 {
		fp := r.Uint64()
		if i > 0 && r.IntN(2) == 0 { // a near copy of an earlier one
			fp = fps[r.IntN(len(fps))]
			for range r.IntN(6) {
				fp ^= 1 << r.IntN(64)
			}
		}
		fps = append(fps, fp)
	}
	found := 0
	for i, fp := range fps {
		got, want := idx.match(fp), scan.match(fp)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("fingerprint %d (-scan +index):\n%s", i, diff)
		}
		found += len(got)
		idx.add(fp)
		scan.add(fp)
	}
	if found == 0 {
		t.Fatal("no near copies found: the test tests nothing")
	}
}

func TestPeersFindACopy(t *testing.T) {
	ctx := context.Background()
	base := "The central bank raised interest rates by half a point on Tuesday, its third increase this year, " +
		"citing persistent inflation in services and a tight labour market that shows few signs of easing."
	texts := []string{base, "Weather: sunny spells and light winds across the north, with showers later.", base + " Reporting by Jane Doe."}
	mk := map[string]func() (Peer, error){
		"simhash": func() (Peer, error) { return NewSimHash(SimHashOptions{Shingle: 2, MaxDistance: 12}) },
		"minhash": func() (Peer, error) {
			return NewMinHash(MinHashOptions{Shingle: 2, NumHash: 128, Threshold: 0.5, Seed: 42})
		},
	}
	for name, newPeer := range mk {
		t.Run(name, func(t *testing.T) {
			p, err := newPeer()
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(ctx)
			links, err := Run(ctx, p, texts, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(Cluster(len(texts), links))
			if want := "[0 1 0]"; got != want {
				t.Errorf("clusters %s, want %s (links %v)", got, want, links)
			}
		})
	}
}
