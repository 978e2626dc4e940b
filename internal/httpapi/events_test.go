package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// fakeEvents is an EventLog over a fixed list that records its calls.
type fakeEvents struct {
	deliveries  []Delivery
	listed      []string // "status/limit" of each ListDeliveries
	redelivered []int64
}

func (f *fakeEvents) ListDeliveries(_ context.Context, status string, limit int) ([]Delivery, error) {
	f.listed = append(f.listed, fmt.Sprintf("%s/%d", status, limit))
	var out []Delivery
	for _, d := range f.deliveries {
		if (status == "" || d.Status == status) && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeEvents) Redeliver(_ context.Context, id int64) error {
	for _, d := range f.deliveries {
		if d.ID == id {
			f.redelivered = append(f.redelivered, id)
			return nil
		}
	}
	return fmt.Errorf("delivery %d: %w", id, dedup.ErrNotFound)
}

func testDeliveries() []Delivery {
	created := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	payload := []byte(`{"type":"article.clustered","article_id":2,"cluster_id":1,"canonical_id":1,"members":[1,2],"occurred_at":"2025-06-01T12:00:00Z"}`)
	return []Delivery{
		{ID: 1, Subscriber: "search", WebhookID: "msg_a", Type: "article.clustered", Payload: payload, Status: DeliveryDelivered,
			Attempts: 1, NextAttemptAt: created, CreatedAt: created, DeliveredAt: created.Add(time.Second)},
		{ID: 2, Subscriber: "alerts", WebhookID: "msg_b", Type: "article.clustered", Payload: payload, Status: DeliveryFailed,
			Attempts: 10, NextAttemptAt: created.Add(time.Hour), LastError: "http status 500", CreatedAt: created},
		{ID: 3, Subscriber: "alerts", WebhookID: "msg_c", Type: "article.clustered", Payload: payload, Status: DeliveryPending,
			Attempts: 2, NextAttemptAt: created.Add(time.Minute), LastError: "http status 503", CreatedAt: created},
	}
}

func TestListEvents(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		wantIDs    []int64
		wantListed string
	}{
		{"all", "/v1/events", []int64{1, 2, 3}, "/100"},
		{"failed", "/v1/events?status=failed", []int64{2}, "failed/100"},
		{"pending with a limit", "/v1/events?status=pending&limit=1", []int64{3}, "pending/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &fakeEvents{deliveries: testDeliveries()}
			s := newTestServer(t, &fakeService{}, Config{Events: events})
			rec := s.do(t, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d; body %s", rec.Code, rec.Body)
			}
			var got struct {
				Events []struct {
					ID            int64  `json:"id"`
					NextAttemptAt string `json:"next_attempt_at"`
					Payload       struct {
						Members []int64 `json:"members"`
					} `json:"payload"`
				} `json:"events"`
			}
			decodeJSON(t, rec, &got)
			var ids []int64
			for _, e := range got.Events {
				ids = append(ids, e.ID)
				if (e.NextAttemptAt != "") != (e.ID == 3) {
					t.Errorf("delivery %d: next_attempt_at %q; only the pending one has it", e.ID, e.NextAttemptAt)
				}
				if !cmp.Equal(e.Payload.Members, []int64{1, 2}) {
					t.Errorf("delivery %d: payload members %v, want the event's", e.ID, e.Payload.Members)
				}
			}
			if !cmp.Equal(ids, tt.wantIDs) || !cmp.Equal(events.listed, []string{tt.wantListed}) {
				t.Errorf("listed %v with %v; want %v with %v", ids, events.listed, tt.wantIDs, tt.wantListed)
			}
		})
	}
}

func TestListEventsErrors(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		req    *http.Request
		status int
		code   string
		msg    string
	}{
		{"unknown status", Config{Events: &fakeEvents{}}, httptest.NewRequest(http.MethodGet, "/v1/events?status=parked", nil),
			http.StatusBadRequest, codeInvalidArgument, "status"},
		{"limit too large", Config{Events: &fakeEvents{}}, httptest.NewRequest(http.MethodGet, "/v1/events?limit=1001", nil),
			http.StatusBadRequest, codeInvalidArgument, "limit"},
		{"limit zero", Config{Events: &fakeEvents{}}, httptest.NewRequest(http.MethodGet, "/v1/events?limit=0", nil),
			http.StatusBadRequest, codeInvalidArgument, "limit"},
		{"no token", Config{Events: &fakeEvents{}, APIToken: "t"}, httptest.NewRequest(http.MethodGet, "/v1/events", nil),
			http.StatusUnauthorized, codeUnauthorized, "token"},
		{"not configured", Config{}, httptest.NewRequest(http.MethodGet, "/v1/events", nil),
			http.StatusNotFound, codeNotFound, "not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, &fakeService{}, tt.cfg)
			wantError(t, s.do(t, tt.req), tt.status, tt.code, tt.msg)
		})
	}
}

func TestRedeliverEvent(t *testing.T) {
	events := &fakeEvents{deliveries: testDeliveries()}
	s := newTestServer(t, &fakeService{}, Config{Events: events, APIToken: "t"})
	post := func(target, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return s.do(t, req)
	}

	rec := post("/v1/events/2/redeliver", "t")
	if rec.Code != http.StatusAccepted {
		t.Fatalf("status %d, want 202; body %s", rec.Code, rec.Body)
	}
	var got redeliveryJSON
	decodeJSON(t, rec, &got)
	if got != (redeliveryJSON{ID: 2, Status: DeliveryPending}) || !cmp.Equal(events.redelivered, []int64{2}) {
		t.Errorf("answer %+v, redelivered %v; want delivery 2 pending", got, events.redelivered)
	}

	wantError(t, post("/v1/events/99/redeliver", "t"), http.StatusNotFound, codeNotFound, "99")
	wantError(t, post("/v1/events/x/redeliver", "t"), http.StatusBadRequest, codeInvalidArgument, "id")
	wantError(t, post("/v1/events/2/redeliver", ""), http.StatusUnauthorized, codeUnauthorized, "token")
	if len(events.redelivered) != 1 {
		t.Errorf("redelivered %v, want only delivery 2", events.redelivered)
	}
}
