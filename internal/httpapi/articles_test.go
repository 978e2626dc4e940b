package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const validArticle = `{"external_id":"r-1","url":"https://example.com/a","title":"Xi meets Putin",
	"body":"Xi Jinping will leave China for the first time in more than two years.",
	"format":"text","source":"reuters","published_at":"2022-09-14T08:30:00+02:00","language":"en","version":2}`

func TestCreateArticle(t *testing.T) {
	var got dedup.ArticleInput
	svc := &fakeService{ingest: func(_ context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
		got = in
		return testResult(3, true), nil
	}}
	s := newTestServer(t, svc, Config{})
	rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles", validArticle))

	if rec.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/articles/3" {
		t.Errorf("Location = %q, want /v1/articles/3", loc)
	}
	want := dedup.ArticleInput{
		ExternalID:  "r-1",
		URL:         "https://example.com/a",
		Title:       "Xi meets Putin",
		Body:        "Xi Jinping will leave China for the first time in more than two years.",
		Format:      dedup.FormatText,
		Source:      "reuters",
		PublishedAt: time.Date(2022, 9, 14, 6, 30, 0, 0, time.UTC),
		Language:    "en",
		Version:     2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("service got (-want +got):\n%s", diff)
	}

	var res resultJSON
	decodeJSON(t, rec, &res)
	if !res.Created || res.Article.ID != 3 || res.Cluster == nil || res.Cluster.Size != 2 || len(res.Matches) != 2 {
		t.Errorf("response = %+v, want created article 3 in a cluster of 2 with 2 matches", res)
	}
	if res.Article.PublishedAt.Location() != time.UTC || !res.Article.PublishedAt.Equal(testPublished) {
		t.Errorf("published_at = %v, want %v in UTC", res.Article.PublishedAt, testPublished)
	}
	if strings.Contains(s.logs.String(), "SECRET BODY") || strings.Contains(s.logs.String(), "Xi Jinping") {
		t.Errorf("an article body reached the log:\n%s", s.logs)
	}
}

func TestCreateArticleExisting(t *testing.T) {
	for _, updated := range []bool{false, true} {
		t.Run(fmt.Sprintf("updated=%v", updated), func(t *testing.T) {
			svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
				res := testResult(3, false)
				res.Updated = updated
				return res, nil
			}}
			rec := newTestServer(t, svc, Config{}).do(t, jsonRequest(http.MethodPost, "/v1/articles", validArticle))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			var res resultJSON
			decodeJSON(t, rec, &res)
			if res.Created || res.Updated != updated {
				t.Errorf("created, updated = %v, %v; want false, %v", res.Created, res.Updated, updated)
			}
		})
	}
}

// TestCreateArticleBadRequest covers what the HTTP layer rejects before the
// service is called.
func TestCreateArticleBadRequest(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		code        string
		msg         string
	}{
		{"malformed JSON", "application/json", `{"body": "x",`, 400, codeInvalidJSON, "malformed JSON"},
		{"syntax error", "application/json", `{"body" "x"}`, 400, codeInvalidJSON, "malformed JSON at byte"},
		{"not an object", "application/json", `["x"]`, 400, codeInvalidJSON, "must be a JSON object"},
		{"unknown field", "application/json", `{"body":"x","author":"me"}`, 400, codeInvalidJSON, `unknown field "author"`},
		{"trailing data", "application/json", `{"body":"x"} {"body":"y"}`, 400, codeInvalidJSON, "data after the JSON value"},
		{"trailing garbage", "application/json", `{"body":"x"}xyz`, 400, codeInvalidJSON, "data after the JSON value"},
		{"empty request", "application/json", ``, 400, codeInvalidJSON, "empty"},
		{"invalid UTF-8", "application/json", "{\"body\":\"caf\xe9\"}", 400, codeInvalidJSON, "UTF-8"},
		{"wrong type", "application/json", `{"body":"x","title":42}`, 400, codeInvalidArgument, "title: must be a JSON string"},
		{"missing body", "application/json", `{"title":"t"}`, 400, codeInvalidArgument, "body: must not be empty"},
		{"blank body", "application/json", `{"body":"  \n\t"}`, 400, codeInvalidArgument, "body: must not be empty"},
		{"bad format", "application/json", `{"body":"x","format":"markdown"}`, 400, codeInvalidArgument, "format:"},
		{"bad published_at", "application/json", `{"body":"x","published_at":"14/09/2022"}`, 400, codeInvalidArgument, "published_at: must be an RFC 3339 time"},
		{"negative version", "application/json", `{"body":"x","version":-1}`, 400, codeInvalidArgument, "version:"},
		{"text content type", "text/plain", `{"body":"x"}`, 415, codeUnsupportedMediaType, "application/json"},
		{"no content type", "", `{"body":"x"}`, 415, codeUnsupportedMediaType, "application/json"},
		{"form content type", "application/x-www-form-urlencoded", `body=x`, 415, codeUnsupportedMediaType, "application/json"},
		{"latin-1 charset", "application/json; charset=iso-8859-1", `{"body":"x"}`, 415, codeUnsupportedMediaType, "charset"},
		{"huge body", "application/json", `{"body":"` + strings.Repeat("a", 2048) + `"}`, 413, codeTooLarge, "1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, &fakeService{}, Config{MaxBodyBytes: 1024})
			req := jsonRequest(http.MethodPost, "/v1/articles", tt.body)
			req.Header.Set("Content-Type", tt.contentType)
			if tt.contentType == "" {
				req.Header.Del("Content-Type")
			}
			wantError(t, s.do(t, req), tt.status, tt.code, tt.msg)
		})
	}
}

func TestCreateArticleCharsetUTF8(t *testing.T) {
	svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
		return testResult(3, true), nil
	}}
	req := jsonRequest(http.MethodPost, "/v1/articles", validArticle)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if rec := newTestServer(t, svc, Config{}).do(t, req); rec.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201; body %s", rec.Code, rec.Body)
	}
}

// TestServiceErrors checks the one mapping from service errors to statuses.
func TestServiceErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		msg    string
	}{
		{"validation", fmt.Errorf("ingest: %w", &dedup.ValidationError{Field: "language", Message: "must be a BCP 47 tag"}), 400, codeInvalidArgument, "language: must be a BCP 47 tag"},
		{"invalid", fmt.Errorf("parse html: %w", dedup.ErrInvalid), 400, codeInvalidArgument, "parse html"},
		{"conflict", fmt.Errorf("insert article: %w", dedup.ErrConflict), 409, codeConflict, "conflict"},
		{"unavailable", fmt.Errorf("dial tcp 10.0.0.5:5432: %w", dedup.ErrUnavailable), 503, codeUnavailable, "retry later"},
		{"timeout", fmt.Errorf("list candidates: %w", context.DeadlineExceeded), 503, codeTimeout, "timed out"},
		{"internal", errors.New("pq: relation \"articles\" does not exist"), 500, codeInternal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
				return nil, tt.err
			}}
			s := newTestServer(t, svc, Config{})
			rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles", validArticle))
			wantError(t, rec, tt.status, tt.code, tt.msg)
			if tt.status == http.StatusServiceUnavailable && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if tt.status == http.StatusInternalServerError {
				if strings.Contains(rec.Body.String(), "relation") {
					t.Errorf("500 leaks the cause to the client: %s", rec.Body)
				}
				if !strings.Contains(s.logs.String(), `relation \"articles\" does not exist`) {
					t.Errorf("500 cause not logged:\n%s", s.logs)
				}
			}
		})
	}
}

func TestCheckArticle(t *testing.T) {
	var gotTh dedup.Thresholds
	svc := &fakeService{check: func(_ context.Context, in dedup.ArticleInput, th dedup.Thresholds) (*dedup.Result, error) {
		gotTh = th
		a := &dedup.Article{ExternalID: in.ExternalID, Body: in.Body, Format: in.Format, Source: in.Source}
		return &dedup.Result{Article: a, Cluster: testCluster(), Matches: testResult(0, false).Matches}, nil
	}}
	s := newTestServer(t, svc, Config{})
	rec := s.do(t, jsonRequest(http.MethodPost, "/v1/articles:check?copy=0.9&partial=0.25", validArticle))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	if want := (dedup.Thresholds{Copy: 0.9, Partial: 0.25}); gotTh != want {
		t.Errorf("thresholds = %+v, want %+v", gotTh, want)
	}
	var res resultJSON
	decodeJSON(t, rec, &res)
	if res.Article.ID != 0 || !res.Article.IngestedAt.IsZero() || res.Created {
		t.Errorf("dry run answered %+v, want an unstored article", res)
	}
}

func TestThresholdParams(t *testing.T) {
	tests := []struct {
		query string
		want  dedup.Thresholds
		err   string // empty when valid
	}{
		{"", dedup.Thresholds{}, ""},
		{"copy=0.7", dedup.Thresholds{Copy: 0.7}, ""},
		{"copy=1&rewrite=0&partial=0.05", dedup.Thresholds{Copy: 1, Partial: 0.05}, ""},
		{"copy=1.5", dedup.Thresholds{}, "copy: must be a number in [0, 1]"},
		{"rewrite=-0.1", dedup.Thresholds{}, "rewrite: must be a number in [0, 1]"},
		{"partial=abc", dedup.Thresholds{}, "partial: must be a number in [0, 1]"},
		{"copy=NaN", dedup.Thresholds{}, "copy: must be a number in [0, 1]"},
		{"partial=Inf", dedup.Thresholds{}, "partial: must be a number in [0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var got dedup.Thresholds
			svc := &fakeService{listMatches: func(_ context.Context, id int64, th dedup.Thresholds) ([]dedup.Match, error) {
				got = th
				return testResult(id, false).Matches, nil
			}}
			rec := newTestServer(t, svc, Config{}).do(t, jsonRequest(http.MethodGet, "/v1/articles/5/matches?"+tt.query, ""))
			if tt.err != "" {
				wantError(t, rec, http.StatusBadRequest, codeInvalidArgument, tt.err)
				return
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if got != tt.want {
				t.Errorf("thresholds = %+v, want %+v", got, tt.want)
			}
			var list matchListJSON
			decodeJSON(t, rec, &list)
			if list.ArticleID != 5 || len(list.Matches) != 2 {
				t.Errorf("response = %+v, want 2 matches of article 5", list)
			}
		})
	}
}

func TestGetArticle(t *testing.T) {
	svc := &fakeService{getArticle: func(_ context.Context, id int64) (*dedup.Article, error) {
		if id != 3 {
			return nil, fmt.Errorf("article %d: %w", id, dedup.ErrNotFound)
		}
		return testArticle(3), nil
	}}
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/v1/articles/3", 200, ""},
		{"/v1/articles/4", 404, codeNotFound},
		{"/v1/articles/abc", 400, codeInvalidArgument},
		{"/v1/articles/0", 400, codeInvalidArgument},
		{"/v1/articles/99999999999999999999", 400, codeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := newTestServer(t, svc, Config{}).do(t, jsonRequest(http.MethodGet, tt.path, ""))
			if tt.code != "" {
				wantError(t, rec, tt.status, tt.code, "")
				return
			}
			var a articleJSON
			decodeJSON(t, rec, &a)
			if a.ID != 3 || a.ClusterID != 7 || a.Source != "reuters" {
				t.Errorf("article = %+v", a)
			}
			if strings.Contains(rec.Body.String(), "SECRET BODY") {
				t.Errorf("the article body is in the response: %s", rec.Body)
			}
		})
	}
}

func TestDeleteArticle(t *testing.T) {
	svc := &fakeService{deleteArticle: func(_ context.Context, id int64) error {
		if id != 3 {
			return fmt.Errorf("article %d: %w", id, dedup.ErrNotFound)
		}
		return nil
	}}
	s := newTestServer(t, svc, Config{})
	if rec := s.do(t, jsonRequest(http.MethodDelete, "/v1/articles/3", "")); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Errorf("delete: status %d, body %q; want 204 and no body", rec.Code, rec.Body)
	}
	wantError(t, s.do(t, jsonRequest(http.MethodDelete, "/v1/articles/4", "")), 404, codeNotFound, "not found")
}

func TestCompareArticles(t *testing.T) {
	svc := &fakeService{compare: func(_ context.Context, a, b int64) (*dedup.Comparison, error) {
		if a == 1 && b == 3 {
			return &dedup.Comparison{A: a, B: b, Relation: dedup.RelationPartial, Score: 0.3,
				Similarity: dedup.Similarity{Jaccard: 0.1, ContainmentA: 0.3, ContainmentB: 0.2, SimHashDistance: 20},
				Passages:   []dedup.Passage{{AStart: 10, AEnd: 60, BStart: 0, BEnd: 50, Text: "shared"}}}, nil
		}
		return &dedup.Comparison{A: a, B: b}, nil
	}}
	s := newTestServer(t, svc, Config{})
	tests := []struct {
		path     string
		relation string
		passages int
	}{
		{"/v1/articles/1/compare/3", "partial", 1},
		{"/v1/articles/1/compare/2", "none", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := s.do(t, jsonRequest(http.MethodGet, tt.path, ""))
			var c comparisonJSON
			decodeJSON(t, rec, &c)
			if c.Relation != tt.relation || len(c.Passages) != tt.passages {
				t.Errorf("comparison = %+v, want relation %s with %d passages", c, tt.relation, tt.passages)
			}
		})
	}
	t.Run("bad id", func(t *testing.T) {
		wantError(t, s.do(t, jsonRequest(http.MethodGet, "/v1/articles/1/compare/x", "")), 400, codeInvalidArgument, "b: must be a positive integer")
	})
}
