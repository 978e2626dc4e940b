package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestMetrics(t *testing.T) {
	svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
		return testResult(3, true), nil
	}}
	s := newTestServer(t, svc, Config{})
	s.do(t, jsonRequest(http.MethodPost, "/v1/articles", validArticle))
	s.metrics.ObserveQuery(10, 4)
	var steps dedup.StepTimes
	steps[dedup.StepStore] = 2 * time.Millisecond
	steps[dedup.StepLockWait] = 30 * time.Millisecond
	s.metrics.ObserveSteps("ingest", steps)
	s.metrics.WatchProfileCache(func() dedup.ProfileCacheStats { return dedup.ProfileCacheStats{Hits: 7, Misses: 3} })

	rec := s.do(t, jsonRequest(http.MethodGet, "/metrics", ""))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`newsdedup_http_request_duration_seconds_count{method="POST",route="/v1/articles",status="201"} 1`,
		`newsdedup_articles_stored_total 1`,
		`newsdedup_cluster_size_count 1`,
		`newsdedup_matches_per_query_sum 2`,
		`newsdedup_candidates_per_query_sum 10`,
		`newsdedup_verifications_total{outcome="pass"} 4`,
		`newsdedup_verifications_total{outcome="fail"} 6`,
		`newsdedup_profile_cache_lookups_total{result="hit"} 7`,
		`newsdedup_profile_cache_lookups_total{result="miss"} 3`,
		`newsdedup_step_duration_seconds_sum{op="ingest",step="store"} 0.002`,
		`newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="0.025"} 0`,
		`newsdedup_step_duration_seconds_bucket{op="ingest",step="lock_wait",le="0.05"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A step not taken is not observed.
	if strings.Contains(body, `step="verify"`) {
		t.Error("metrics have a verify step that took no time")
	}
}
