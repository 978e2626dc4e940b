package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// batchBody builds a batch request body from article objects.
func batchBody(articles ...string) string {
	return `{"articles":[` + strings.Join(articles, ",") + `]}`
}

func TestCreateArticlesPerItemResults(t *testing.T) {
	var gotIDs []string
	svc := &fakeService{ingestBatch: func(_ context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
		items := make([]dedup.BatchItem, len(in))
		for i, a := range in {
			gotIDs = append(gotIDs, a.ExternalID)
			switch a.ExternalID {
			case "new":
				items[i].Result = testResult(10, true)
			case "old":
				items[i].Result = testResult(11, false)
			case "bad-lang":
				items[i].Err = &dedup.ValidationError{Field: "language", Message: "unknown language"}
			}
		}
		return items, nil
	}}
	s := newTestServer(t, svc, Config{MaxBodyBytes: 100})
	body := batchBody(
		`{"external_id":"new","body":"one"}`,
		`{"external_id":"empty","body":""}`,
		`{"external_id":"old","body":"two"}`,
		`{"external_id":"bad-lang","body":"three","language":"xx"}`,
		`{"external_id":"huge","body":"`+strings.Repeat("b", 101)+`"}`,
		`{"external_id":"bad-format","body":"four","format":"pdf"}`,
	)
	rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles:batch", body))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	if diff := cmp.Diff([]string{"new", "old", "bad-lang"}, gotIDs); diff != "" {
		t.Errorf("service got (-want +got):\n%s", diff)
	}
	var resp batchResponse
	decodeJSON(t, rec, &resp)
	type outcome struct {
		Index, Status int
		Code          string
	}
	var got []outcome
	for _, it := range resp.Items {
		o := outcome{Index: it.Index, Status: it.Status}
		if it.Error != nil {
			o.Code = it.Error.Code
		}
		if (it.Error == nil) == (it.Result == nil) {
			t.Errorf("item %d has both or neither of result and error", it.Index)
		}
		got = append(got, o)
	}
	want := []outcome{
		{0, 201, ""},
		{1, 400, codeInvalidArgument},
		{2, 200, ""},
		{3, 400, codeInvalidArgument},
		{4, 413, codeTooLarge},
		{5, 400, codeInvalidArgument},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestCreateArticlesRequestErrors(t *testing.T) {
	tooMany := make([]string, maxBatchArticles+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf(`{"external_id":"%d","body":"b"}`, i)
	}
	tests := []struct {
		name   string
		body   string
		svcErr error
		itemEr error
		status int
		code   string
		msg    string
	}{
		{"no articles", batchBody(), nil, nil, 400, codeInvalidArgument, "articles: must not be empty"},
		{"missing articles", `{}`, nil, nil, 400, codeInvalidArgument, "articles: must not be empty"},
		{"too many", batchBody(tooMany...), nil, nil, 400, codeInvalidArgument, "at most 500"},
		{"unknown field in item", batchBody(`{"body":"x","bogus":1}`), nil, nil, 400, codeInvalidJSON, `unknown field "bogus"`},
		{"store down", batchBody(`{"body":"x"}`), fmt.Errorf("begin: %w", dedup.ErrUnavailable), nil, 503, codeUnavailable, "retry later"},
		{"item fails in the store", batchBody(`{"body":"x"}`), nil, fmt.Errorf("boom"), 500, codeInternal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := &fakeService{ingestBatch: func(_ context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
				if tt.svcErr != nil {
					return nil, tt.svcErr
				}
				return []dedup.BatchItem{{Err: tt.itemEr}}, nil
			}}
			wantError(t, newTestServer(t, svc, Config{}).do(t, jsonRequest(http.MethodPost, "/v1/articles:batch", tt.body)), tt.status, tt.code, tt.msg)
		})
	}
}

// TestCreateArticlesBatchLimit checks that a batch has its own body limit,
// larger than a single article's.
func TestCreateArticlesBatchLimit(t *testing.T) {
	svc := &fakeService{ingestBatch: func(_ context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
		items := make([]dedup.BatchItem, len(in))
		for i := range in {
			items[i].Result = testResult(int64(i+1), true)
		}
		return items, nil
	}}
	articles := make([]string, 20)
	for i := range articles {
		b, _ := json.Marshal(strings.Repeat("word ", 15))
		articles[i] = fmt.Sprintf(`{"external_id":"%d","body":%s}`, i, b)
	}
	body := batchBody(articles...)
	s := newTestServer(t, svc, Config{MaxBodyBytes: 200, MaxBatchBodyBytes: int64(len(body))})
	if rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles:batch", body)); rec.Code != http.StatusOK {
		t.Errorf("batch at its limit: status %d, want 200; body %s", rec.Code, rec.Body)
	}
	s = newTestServer(t, svc, Config{MaxBodyBytes: 200, MaxBatchBodyBytes: int64(len(body)) - 1})
	wantError(t, s.do(t, jsonRequest(http.MethodPost, "/v1/articles:batch", body)), 413, codeTooLarge, "")
}
