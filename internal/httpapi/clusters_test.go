package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestGetCluster(t *testing.T) {
	svc := &fakeService{getCluster: func(_ context.Context, id int64) (*dedup.Cluster, error) {
		if id != 7 {
			return nil, fmt.Errorf("cluster %d: %w", id, dedup.ErrNotFound)
		}
		return testCluster(), nil
	}}
	s := newTestServer(t, svc, Config{})

	t.Run("found", func(t *testing.T) {
		rec := s.do(t, jsonRequest(http.MethodGet, "/v1/clusters/7", ""))
		var got clusterJSON
		decodeJSON(t, rec, &got)
		want := clusterJSON{ID: 7, CanonicalID: 1, Size: 2, Members: []memberJSON{
			{ArticleID: 1},
			{ArticleID: 3, Relation: "rewrite", Score: 0.81, Via: 1},
		}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cluster (-want +got):\n%s", diff)
		}
	})
	t.Run("not found", func(t *testing.T) {
		wantError(t, s.do(t, jsonRequest(http.MethodGet, "/v1/clusters/8", "")), 404, codeNotFound, "cluster 8")
	})
	t.Run("bad id", func(t *testing.T) {
		wantError(t, s.do(t, jsonRequest(http.MethodGet, "/v1/clusters/-1", "")), 400, codeInvalidArgument, "id:")
	})
}
