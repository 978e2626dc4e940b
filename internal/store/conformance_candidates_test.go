package store

import (
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func testListCandidates(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	const k1, k2, k3, k4 = 1 << 63, 2, 3, 4
	// k1 is in every article, k2 in a2 and a3, k3 in a3 only.
	ids := insertIDs(t, st, []uint64{k1}, []uint64{k1, k2}, []uint64{k1, k2, k3}, []uint64{k1}, []uint64{k1})
	a1, a2, a3, a4, a5 := ids[0], ids[1], ids[2], ids[3], ids[4]
	c := func(id int64, shared int) dedup.Candidate { return dedup.Candidate{ArticleID: id, Shared: shared} }

	tests := []struct {
		name  string
		query dedup.CandidateQuery
		want  []dedup.Candidate
	}{
		{"most shared first, then by id", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}},
			[]dedup.Candidate{c(a3, 3), c(a2, 2), c(a1, 1), c(a4, 1), c(a5, 1)}},
		{"exclude", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, ExcludeID: a3},
			[]dedup.Candidate{c(a2, 2), c(a1, 1), c(a4, 1), c(a5, 1)}},
		{"before", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, BeforeID: a4},
			[]dedup.Candidate{c(a3, 3), c(a2, 2), c(a1, 1)}},
		{"limit", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, Limit: 2},
			[]dedup.Candidate{c(a3, 3), c(a2, 2)}},
		{"max postings keeps the newest per key", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, MaxPostings: 2},
			[]dedup.Candidate{c(a3, 2), c(a2, 1), c(a4, 1), c(a5, 1)}},
		{"max postings counts below before", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, MaxPostings: 2, BeforeID: a5},
			[]dedup.Candidate{c(a3, 3), c(a2, 1), c(a4, 1)}},
		{"the excluded article uses no posting", dedup.CandidateQuery{Keys: []uint64{k1, k2}, MaxPostings: 1, ExcludeID: a5},
			[]dedup.Candidate{c(a3, 1), c(a4, 1)}},
		{"duplicate keys count once", dedup.CandidateQuery{Keys: []uint64{k2, k2, k2}},
			[]dedup.Candidate{c(a2, 1), c(a3, 1)}},
		{"unknown key", dedup.CandidateQuery{Keys: []uint64{k4}}, nil},
		{"no keys", dedup.CandidateQuery{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.ListCandidates(t.Context(), []dedup.CandidateQuery{tt.query})
			mustNil(t, err)
			if d := diff([][]dedup.Candidate{tt.want}, got); d != "" {
				t.Errorf("ListCandidates (-want +got):\n%s", d)
			}
		})
	}

	t.Run("several queries in one call", func(t *testing.T) {
		var queries []dedup.CandidateQuery
		var want [][]dedup.Candidate
		for _, tt := range tests {
			queries = append(queries, tt.query)
			want = append(want, tt.want)
		}
		got, err := st.ListCandidates(t.Context(), queries)
		mustNil(t, err)
		if d := diff(want, got); d != "" {
			t.Errorf("ListCandidates (-want +got):\n%s", d)
		}
	})

	t.Run("a large set answers as each query alone", func(t *testing.T) {
		// Enough queries for the Postgres store to split them over
		// connections.
		st := newStore(t)
		keys := make([][]uint64, 100)
		for i := range keys {
			keys[i] = []uint64{k1, uint64(1000 + i%7)}
		}
		insertIDs(t, st, keys...)
		var queries []dedup.CandidateQuery
		for i := range 150 {
			queries = append(queries, dedup.CandidateQuery{Keys: []uint64{k1, uint64(1000 + i%9)}, Limit: 5, MaxPostings: 40})
		}
		got, err := st.ListCandidates(t.Context(), queries)
		mustNil(t, err)
		for i, q := range queries {
			alone, err := st.ListCandidates(t.Context(), []dedup.CandidateQuery{q})
			mustNil(t, err)
			if len(alone[0]) == 0 {
				t.Fatalf("query %d found nothing; the test needs candidates", i)
			}
			if d := diff(alone[0], got[i]); d != "" {
				t.Errorf("query %d in the set (-alone +in set):\n%s", i, d)
			}
		}
	})

	t.Run("negative bound", func(t *testing.T) {
		_, err := st.ListCandidates(t.Context(), []dedup.CandidateQuery{{Keys: []uint64{k1}, Limit: -1}})
		wantErr(t, err, dedup.ErrInvalid)
	})
}
