package main

import (
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/dedup"
)

// stats are the counts of one run, for the summary line.
type stats struct {
	read      int64 // records read, rejects included
	rejected  int64
	stored    int64 // new articles
	updated   int64 // stored articles replaced by a changed body or a higher version
	unchanged int64 // already stored (an earlier run, or a repeat in the input)
	// duplicates counts the articles of the run that have a link to another
	// article; joined those of them whose link put them in a cluster with
	// it (exact, copy or rewrite), the rest being partial reuse.
	duplicates int64
	joined     int64
	// clusterOf holds the cluster of each article of the run, as the last
	// batch that touched it left it; its distinct values are the clusters
	// the run's articles form.
	clusterOf map[int64]int64
	// exact and seen serve a dry run: articles whose normalized text
	// repeats an earlier article of the run.
	exact   int64
	seen    map[uint64]struct{}
	elapsed time.Duration
}

func newStats() stats {
	return stats{clusterOf: map[int64]int64{}, seen: map[uint64]struct{}{}}
}

func (s *stats) countResult(r *dedup.Result) {
	switch {
	case r.Created:
		s.stored++
	case r.Updated:
		s.updated++
	default:
		s.unchanged++
	}
	s.clusterOf[r.Article.ID] = r.Article.ClusterID
	if len(r.Matches) == 0 {
		return
	}
	s.duplicates++
	joined := false
	for _, m := range r.Matches {
		joined = joined || m.Relation.Clusters()
		// A match carries its article's cluster after this batch: a merge
		// may have moved it.
		if _, ok := s.clusterOf[m.ArticleID]; ok {
			s.clusterOf[m.ArticleID] = m.ClusterID
		}
	}
	if joined {
		s.joined++
	}
}

func (s *stats) countDry(batch []*dedup.Prepared) {
	for _, p := range batch {
		h := p.Fingerprint().ContentHash
		if _, ok := s.seen[h]; ok {
			s.exact++
			continue
		}
		s.seen[h] = struct{}{}
	}
}

func (s *stats) clusters() int {
	ids := make(map[int64]struct{}, len(s.clusterOf)/2)
	for _, c := range s.clusterOf {
		ids[c] = struct{}{}
	}
	return len(ids)
}

// log writes the one summary line of the run, whose message is msg.
func (s *stats) log(logger *slog.Logger, msg string, dryRun bool, rejects map[archive.Reason]int64) {
	rate := 0.0
	if sec := s.elapsed.Seconds(); sec > 0 {
		rate = float64(s.read) / sec
	}
	attrs := []any{slog.Int64("read", s.read)}
	if dryRun {
		attrs = append(attrs, slog.Int64("fingerprinted", s.read-s.rejected), slog.Int64("exact_duplicates", s.exact))
	} else {
		attrs = append(attrs,
			slog.Int64("stored", s.stored), slog.Int64("updated", s.updated), slog.Int64("unchanged", s.unchanged),
			slog.Int64("duplicates", s.duplicates), slog.Int64("joined", s.joined), slog.Int("clusters", s.clusters()))
	}
	attrs = append(attrs, slog.Int64("rejected", s.rejected))
	if len(rejects) > 0 {
		attrs = append(attrs, slog.Group("rejected_by_reason", reasonAttrs(rejects)...))
	}
	attrs = append(attrs, slog.Duration("elapsed", s.elapsed.Round(time.Millisecond)),
		slog.Float64("articles_per_second", float64(int64(rate*10+0.5))/10))
	logger.Info(msg, attrs...)
}

// attrKey turns a reject reason ("invalid utf-8") into an attribute key.
var attrKey = strings.NewReplacer(" ", "_", "-", "")

func reasonAttrs(counts map[archive.Reason]int64) []any {
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	out := make([]any, len(reasons))
	for i, r := range reasons {
		out[i] = slog.Int64(attrKey.Replace(r), counts[archive.Reason(r)])
	}
	return out
}
