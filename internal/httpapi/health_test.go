package httpapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestHealthNeverTouchesStore(t *testing.T) {
	called := false
	s := newTestServerPinger(t, &fakeService{}, pingerFunc(func(context.Context) error {
		called = true
		return errors.New("down")
	}), Config{})
	if rec := s.do(t, jsonRequest(http.MethodGet, "/healthz", "")); rec.Code != http.StatusOK {
		t.Errorf("healthz with the store down: status %d, want 200", rec.Code)
	}
	if called {
		t.Error("healthz pinged the store")
	}
}

func TestReadiness(t *testing.T) {
	tests := []struct {
		name   string
		ping   func(ctx context.Context) error
		status int
	}{
		{"up", func(context.Context) error { return nil }, 200},
		{"down", func(context.Context) error { return errors.New("connection refused") }, 503},
		{"hangs", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServerPinger(t, &fakeService{}, pingerFunc(tt.ping), Config{ReadyTimeout: 50 * time.Millisecond})
			rec := s.do(t, jsonRequest(http.MethodGet, "/readyz", ""))
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == http.StatusServiceUnavailable {
				wantError(t, rec, 503, codeUnavailable, "unavailable")
				if rec.Header().Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
			}
		})
	}
}
