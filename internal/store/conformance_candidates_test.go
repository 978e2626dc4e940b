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
		{"a full key alone brings no candidate", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, MaxPostings: 2},
			// k1's list (a5, a4) and k2's (a3, a2) are full: a5, a4 and
			// a2 share only a full key.
			[]dedup.Candidate{c(a3, 2)}},
		{"max postings counts below before", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, MaxPostings: 2, BeforeID: a5},
			[]dedup.Candidate{c(a3, 3)}},
		{"a key below max postings is not full", dedup.CandidateQuery{Keys: []uint64{k1}, MaxPostings: 6},
			[]dedup.Candidate{c(a1, 1), c(a2, 1), c(a3, 1), c(a4, 1), c(a5, 1)}},
		{"the excluded article uses no posting", dedup.CandidateQuery{Keys: []uint64{k1, k2}, MaxPostings: 2, ExcludeID: a5},
			// Had a5 used one of k1's two places, a4 would come in alone.
			[]dedup.Candidate{c(a3, 2)}},
		{"later articles of a batch are left out", dedup.CandidateQuery{Keys: []uint64{k1, k2, k3}, ExcludeID: a2, Later: dedup.IDRange{From: a3, To: a4}},
			[]dedup.Candidate{c(a1, 1), c(a5, 1)}},
		{"later articles use no posting", dedup.CandidateQuery{Keys: []uint64{k1, k2}, MaxPostings: 2, ExcludeID: a1, Later: dedup.IDRange{From: a4, To: a5}},
			// Without a4 and a5, k1's list is a3, a2: full, but both share k2 too.
			[]dedup.Candidate{c(a2, 2), c(a3, 2)}},
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

	t.Run("equals ranked by their rarest shared key", func(t *testing.T) {
		st := newStore(t)
		const x, y = 10, 11
		// Postgres stores share one database: a source of its own keeps
		// these apart from the articles above.
		var ids []int64
		for _, r := range insert(t, st, newArticle("rank", "r1", y), newArticle("rank", "r2", y), newArticle("rank", "r3", x)) {
			ids = append(ids, r.Article.ID)
		}
		got, err := st.ListCandidates(t.Context(), []dedup.CandidateQuery{{Keys: []uint64{x, y}}})
		mustNil(t, err)
		// x's list (ids[2]) is shorter than y's (ids[1], ids[0]).
		want := []dedup.Candidate{c(ids[2], 1), c(ids[0], 1), c(ids[1], 1)}
		if d := diff([][]dedup.Candidate{want}, got); d != "" {
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
			queries = append(queries, dedup.CandidateQuery{Keys: []uint64{k1, uint64(1000 + i%7)}, Limit: 5, MaxPostings: 40})
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
