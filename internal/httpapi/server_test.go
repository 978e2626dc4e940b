package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testServer is a Server over a fake service, with its log captured.
type testServer struct {
	*Server
	logs *bytes.Buffer
}

// newTestServer returns a server over svc whose store is always ready.
func newTestServer(tb testing.TB, svc ArticleService, cfg Config) *testServer {
	tb.Helper()
	return newTestServerPinger(tb, svc, pingerFunc(func(context.Context) error { return nil }), cfg)
}

func newTestServerPinger(tb testing.TB, svc ArticleService, p Pinger, cfg Config) *testServer {
	tb.Helper()
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &testServer{Server: NewServer(svc, p, NewMetrics(), logger, cfg), logs: logs}
}

// do serves req and checks the response against api/openapi.yaml.
func (s *testServer) do(tb testing.TB, req *http.Request) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	validateResponse(tb, req, rec)
	return rec
}

// jsonRequest is a request with a JSON body, as a client sends it.
func jsonRequest(method, target, body string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// readErrorBody reads the error of an error response, failing the test if the
// body is not the API's error shape.
func readErrorBody(tb testing.TB, rec *httptest.ResponseRecorder) errorDetail {
	tb.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body errorBody
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		tb.Fatalf("decode error body %q: %v", rec.Body, err)
	}
	if body.Error.Code == "" || body.Error.Message == "" {
		tb.Errorf("error body %q lacks a code or message", rec.Body)
	}
	return body.Error
}

// decodeJSON decodes a successful response into v.
func decodeJSON(tb testing.TB, rec *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if err := json.NewDecoder(rec.Body).Decode(v); err != nil {
		tb.Fatalf("decode response %q: %v", rec.Body, err)
	}
}

// wantError checks an error response's status, code and that its message
// contains msg.
func wantError(tb testing.TB, rec *httptest.ResponseRecorder, status int, code, msg string) {
	tb.Helper()
	if rec.Code != status {
		tb.Errorf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	got := readErrorBody(tb, rec)
	if got.Code != code {
		tb.Errorf("code = %q, want %q (message %q)", got.Code, code, got.Message)
	}
	if !strings.Contains(got.Message, msg) {
		tb.Errorf("message = %q, want it to contain %q", got.Message, msg)
	}
}
