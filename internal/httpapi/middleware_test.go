package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func TestRequireToken(t *testing.T) {
	svc := &fakeService{
		ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) { return testResult(3, true), nil },
		getArticle: func(_ context.Context, id int64) (*dedup.Article, error) {
			return testArticle(id), nil
		},
		deleteArticle: func(context.Context, int64) error { return nil },
	}
	tests := []struct {
		name   string
		token  string // configured
		method string
		path   string
		auth   string // Authorization header sent
		status int
	}{
		{"no token configured", "", "POST", "/v1/articles", "", 201},
		{"right token", "s3cret", "POST", "/v1/articles", "Bearer s3cret", 201},
		{"scheme is case-insensitive", "s3cret", "POST", "/v1/articles", "bearer s3cret", 201},
		{"missing header", "s3cret", "POST", "/v1/articles", "", 401},
		{"wrong token", "s3cret", "POST", "/v1/articles", "Bearer s3cret2", 401},
		{"prefix of token", "s3cret", "POST", "/v1/articles", "Bearer s3c", 401},
		{"basic auth", "s3cret", "POST", "/v1/articles", "Basic czNjcmV0", 401},
		{"empty bearer", "s3cret", "POST", "/v1/articles", "Bearer ", 401},
		{"check needs it", "s3cret", "POST", "/v1/articles:check", "", 401},
		{"batch needs it", "s3cret", "POST", "/v1/articles:batch", "Bearer nope", 401},
		{"delete needs it", "s3cret", "DELETE", "/v1/articles/3", "", 401},
		{"delete with it", "s3cret", "DELETE", "/v1/articles/3", "Bearer s3cret", 204},
		{"reads do not", "s3cret", "GET", "/v1/articles/3", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, svc, Config{APIToken: tt.token})
			body := ""
			if tt.method == http.MethodPost {
				body = validArticle
			}
			req := jsonRequest(tt.method, tt.path, body)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := s.do(t, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == http.StatusUnauthorized {
				wantError(t, rec, 401, codeUnauthorized, "bearer token")
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				if strings.Contains(s.logs.String(), "s3cret") {
					t.Errorf("the token reached the log:\n%s", s.logs)
				}
			}
		})
	}
}

func TestUnroutedRequests(t *testing.T) {
	s := newTestServer(t, &fakeService{}, Config{})
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/v1/nope", 404, codeNotFound},
		{"POST", "/v1/articles:merge", 404, codeNotFound},
		{"PUT", "/v1/articles/3", 405, codeMethodNotAllowed},
		{"GET", "/v1/articles:check", 405, codeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			wantError(t, s.do(t, jsonRequest(tt.method, tt.path, "")), tt.status, tt.code, "")
		})
	}
}

// TestColonRoutes checks that chi keeps the ":check" and ":batch" suffixes
// apart from each other and from POST /v1/articles.
func TestColonRoutes(t *testing.T) {
	var called []string
	svc := &fakeService{
		ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
			called = append(called, "ingest")
			return testResult(1, true), nil
		},
		check: func(context.Context, dedup.ArticleInput, dedup.Thresholds) (*dedup.Result, error) {
			called = append(called, "check")
			return testResult(1, false), nil
		},
		ingestBatch: func(_ context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error) {
			called = append(called, "batch")
			return []dedup.BatchItem{{Result: testResult(1, true)}}, nil
		},
	}
	s := newTestServer(t, svc, Config{})
	s.do(t, jsonRequest("POST", "/v1/articles:check", validArticle))
	s.do(t, jsonRequest("POST", "/v1/articles:batch", batchBody(validArticle)))
	s.do(t, jsonRequest("POST", "/v1/articles", validArticle))
	if got := strings.Join(called, ","); got != "check,batch,ingest" {
		t.Errorf("handlers called: %s, want check,batch,ingest", got)
	}
}

func TestRecoverer(t *testing.T) {
	svc := &fakeService{getArticle: func(context.Context, int64) (*dedup.Article, error) {
		panic("nil map write")
	}}
	s := newTestServer(t, svc, Config{})
	wantError(t, s.do(t, jsonRequest("GET", "/v1/articles/1", "")), 500, codeInternal, "internal error")
	if !strings.Contains(s.logs.String(), "panic: nil map write") {
		t.Errorf("panic not logged:\n%s", s.logs)
	}
}

func TestRequestTimeout(t *testing.T) {
	svc := &fakeService{getArticle: func(ctx context.Context, _ int64) (*dedup.Article, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	s := newTestServer(t, svc, Config{RequestTimeout: 20 * time.Millisecond})
	rec := s.do(t, jsonRequest("GET", "/v1/articles/1", ""))
	wantError(t, rec, 503, codeTimeout, "timed out")
}

// logLine is the part of an access-log line the tests look at.
type logLine struct {
	Level     string `json:"level"`
	Msg       string `json:"msg"`
	Method    string `json:"method"`
	Route     string `json:"route"`
	Status    int    `json:"status"`
	RequestID string `json:"request_id"`
	ClientIP  string `json:"client_ip"`
	Error     string `json:"error"`
}

func readLogLines(tb testing.TB, logs string) []logLine {
	tb.Helper()
	var lines []logLine
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

func TestAccessLog(t *testing.T) {
	svc := &fakeService{getArticle: func(_ context.Context, id int64) (*dedup.Article, error) {
		switch id {
		case 1:
			return testArticle(1), nil
		case 2:
			return nil, dedup.ErrNotFound
		default:
			return nil, context.Canceled // not the client's cancel: a bug, so a 500
		}
	}}
	tests := []struct {
		path  string
		level string
		route string
		st    int
	}{
		{"/v1/articles/1", "INFO", "/v1/articles/{id}", 200},
		{"/v1/articles/2", "INFO", "/v1/articles/{id}", 404},
		{"/v1/articles/3", "ERROR", "/v1/articles/{id}", 500},
		{"/healthz", "DEBUG", "/healthz", 200},
		{"/nowhere", "INFO", "unmatched", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := newTestServer(t, svc, Config{})
			req := jsonRequest("GET", tt.path, "")
			req.Header.Set("X-Request-Id", "req-42")
			rec := s.do(t, req)
			lines := readLogLines(t, s.logs.String())
			if len(lines) != 1 {
				t.Fatalf("got %d log lines, want 1:\n%s", len(lines), s.logs)
			}
			l := lines[0]
			if l.Level != tt.level || l.Route != tt.route || l.Status != tt.st || l.RequestID != "req-42" || l.Method != "GET" {
				t.Errorf("log line = %+v, want level %s route %s status %d request_id req-42", l, tt.level, tt.route, tt.st)
			}
			if (tt.st >= 400) != (l.Error != "") {
				t.Errorf("log line error = %q for status %d", l.Error, tt.st)
			}
			if got := rec.Header().Get("X-Request-Id"); got != "req-42" {
				t.Errorf("X-Request-Id = %q, want req-42", got)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		proxies []string
		remote  string
		xff     string
		want    string
	}{
		{"direct, XFF ignored", nil, "203.0.113.7:5555", "198.51.100.1", "203.0.113.7"},
		{"through a trusted proxy", []string{"10.0.0.0/8"}, "10.1.2.3:5555", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"spoofed XFF from an untrusted peer", []string{"10.0.0.0/8"}, "203.0.113.7:5555", "198.51.100.1", "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, &fakeService{}, Config{TrustedProxies: tt.proxies})
			req := jsonRequest("GET", "/healthz", "")
			req.RemoteAddr = tt.remote
			req.Header.Set("X-Forwarded-For", tt.xff)
			s.do(t, req)
			lines := readLogLines(t, s.logs.String())
			if len(lines) != 1 || lines[0].ClientIP != tt.want {
				t.Errorf("log = %+v, want client_ip %s", lines, tt.want)
			}
		})
	}
}
