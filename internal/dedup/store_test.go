package dedup_test

import (
	"slices"
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestRankCandidates(t *testing.T) {
	c := func(id int64, shared int) dedup.Candidate { return dedup.Candidate{ArticleID: id, Shared: shared} }
	tests := []struct {
		name     string
		postings [][]int64
		query    dedup.CandidateQuery
		want     []dedup.Candidate
	}{
		{"most shared first", [][]int64{{3, 2, 1}, {3, 2}, {3}}, dedup.CandidateQuery{},
			[]dedup.Candidate{c(3, 3), c(2, 2), c(1, 1)}},
		{"equals by their rarest key, then id", [][]int64{{9, 8}, {7}, {6, 5, 4}}, dedup.CandidateQuery{},
			[]dedup.Candidate{c(7, 1), c(8, 1), c(9, 1), c(4, 1), c(5, 1), c(6, 1)}},
		{"a full list's articles need a second key", [][]int64{{9, 8, 7}, {8}}, dedup.CandidateQuery{MaxPostings: 3},
			[]dedup.Candidate{c(8, 2)}},
		{"a list shorter than max postings is not full", [][]int64{{9, 8}}, dedup.CandidateQuery{MaxPostings: 3},
			[]dedup.Candidate{c(8, 1), c(9, 1)}},
		{"limit", [][]int64{{3, 2, 1}, {3, 2}}, dedup.CandidateQuery{Limit: 2},
			[]dedup.Candidate{c(2, 2), c(3, 2)}},
		{"nothing", [][]int64{{}, nil}, dedup.CandidateQuery{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dedup.RankCandidates(tt.postings, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("RankCandidates = %v, want %v", got, tt.want)
			}
		})
	}
}
