package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// subscriber is a receiver of cluster events that behaves as Standard
// Webhooks asks of one: it verifies every request and handles each
// webhook-id once, however often it arrives.
type subscriber struct {
	verifier *webhooks.Verifier

	mu       sync.Mutex
	status   int            // the answer to a verified request
	requests int            // verified requests
	badSigs  int            // requests that failed verification
	arrivals map[string]int // verified requests per webhook-id
	handled  map[string]string
}

func newSubscriber(t *testing.T, key []byte, status int) (*subscriber, *httptest.Server) {
	t.Helper()
	v, err := webhooks.NewVerifier(key)
	if err != nil {
		t.Fatal(err)
	}
	s := &subscriber{verifier: v, status: status, arrivals: map[string]int{}, handled: map[string]string{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.verifier.Verify(r.Header, body, time.Now()); err != nil {
		s.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	s.requests++
	if s.status/100 != 2 {
		w.WriteHeader(s.status)
		return
	}
	id := r.Header.Get(webhooks.HeaderID)
	s.arrivals[id]++
	if _, dup := s.handled[id]; !dup {
		var ev struct{ Type string }
		_ = json.Unmarshal(body, &ev)
		s.handled[id] = ev.Type
	}
	w.WriteHeader(s.status)
}

func (s *subscriber) setStatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

// snapshot returns the verified requests, the requests that failed
// verification, and copies of arrivals and handled.
func (s *subscriber) snapshot() (requests, badSigs int, arrivals map[string]int, handled map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	arrivals, handled = map[string]int{}, map[string]string{}
	for k, v := range s.arrivals {
		arrivals[k] = v
	}
	for k, v := range s.handled {
		handled[k] = v
	}
	return s.requests, s.badSigs, arrivals, handled
}

// eventually polls cond until it holds, failing the test after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outboxEvent is a delivery as GET /v1/events lists it.
type outboxEvent struct {
	ID         int64  `json:"id"`
	Subscriber string `json:"subscriber"`
	WebhookID  string `json:"webhook_id"`
	Type       string `json:"type"`
	Status     string `json:"status"`
}

func listEvents(c *client, status string) []outboxEvent {
	c.t.Helper()
	var out struct {
		Events []outboxEvent `json:"events"`
	}
	c.do("GET", "/v1/events?limit=1000&status="+status, nil, &out, 200)
	return out.Events
}

// TestOutboxDeliversAcrossRestart writes cluster events while one
// subscriber fails (500) and another refuses them (410, parked), restarts
// the server on the same database, and expects every event to reach each
// subscriber's dedup exactly once: the pending ones by retry, the parked
// ones by redelivery.
func TestOutboxDeliversAcrossRestart(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		testOutboxAcrossRestart(t, "DATABASE_URL", testDatabaseURL(t))
	})
	t.Run("embedded", func(t *testing.T) {
		testOutboxAcrossRestart(t, "DEDUP_DATA_DIR", t.TempDir())
	})
}

// testOutboxAcrossRestart runs the test on the store that the environment
// variable storeEnv set to storeValue selects.
func testOutboxAcrossRestart(t *testing.T, storeEnv, storeValue string) {
	keySearch, keyAlerts := bytes.Repeat([]byte{11}, 32), bytes.Repeat([]byte{12}, 32)
	search, searchSrv := newSubscriber(t, keySearch, http.StatusInternalServerError)
	alerts, alertsSrv := newSubscriber(t, keyAlerts, http.StatusGone)
	subs, err := json.Marshal([]map[string]string{
		{"name": "search", "url": searchSrv.URL + "/hooks", "secret": webhooks.FormatSecret(keySearch)},
		{"name": "alerts", "url": alertsSrv.URL + "/hooks", "secret": webhooks.FormatSecret(keyAlerts)},
	})
	if err != nil {
		t.Fatal(err)
	}
	const token = "outbox-token"
	env := func() map[string]string {
		return map[string]string{
			storeEnv:                      storeValue,
			"DEDUP_API_TOKEN":             token,
			"DEDUP_SUBSCRIBERS_FILE":      writeFile(t, "subscribers.json", string(subs)),
			"DEDUP_WEBHOOK_POLL_INTERVAL": "25ms",
			"DEDUP_WEBHOOK_TIMEOUT":       "1s",
			"DEDUP_WEBHOOK_BACKOFF_BASE":  "20ms",
			"DEDUP_WEBHOOK_BACKOFF_CAP":   "100ms",
			// Enough attempts that search's failures before the restart
			// cannot park its deliveries.
			"DEDUP_WEBHOOK_MAX_ATTEMPTS": "1000",
		}
	}

	// Before the restart: a copy joins a cluster (article.clustered), and
	// is deleted (article.removed, cluster.changed).
	base, stop := startServer(t, env())
	c := &client{t: t, base: base, token: token}
	post := func(c *client, id, body string) int64 {
		var res ingestAnswer
		c.do("POST", "/v1/articles", map[string]string{"external_id": id, "source": "wire", "body": body}, &res, 201)
		return res.Article.ID
	}
	post(c, "a", storyPort)
	b := post(c, "b", storyPort)
	c.do("DELETE", fmt.Sprintf("/v1/articles/%d", b), nil, nil, 204)
	eventually(t, 10*time.Second, "search to fail twice and alerts to refuse three events", func() bool {
		n, _, _, _ := search.snapshot()
		return n >= 2 && len(listEvents(c, "failed")) == 3
	})
	// Search fails until the restart, so its three stay pending.
	if pending := listEvents(c, "pending"); len(pending) != 3 {
		t.Fatalf("pending before the restart: %+v, want search's three", pending)
	}
	stop()

	// After the restart: search recovers and a third copy joins.
	search.setStatus(http.StatusOK)
	alerts.setStatus(http.StatusOK)
	base, _ = startServer(t, env())
	c = &client{t: t, base: base, token: token}
	post(c, "c", storyPort)
	for _, e := range listEvents(c, "failed") {
		var r struct{ Status string }
		c.do("POST", fmt.Sprintf("/v1/events/%d/redeliver", e.ID), nil, &r, 202)
	}
	all := listEvents(c, "")
	if len(all) != 8 {
		t.Fatalf("the outbox holds %d deliveries, want 4 events for each of 2 subscribers: %+v", len(all), all)
	}
	eventually(t, 10*time.Second, "every delivery to be delivered", func() bool {
		return len(listEvents(c, "delivered")) == len(all)
	})

	for _, sub := range []struct {
		name string
		s    *subscriber
	}{{"search", search}, {"alerts", alerts}} {
		_, badSigs, arrivals, handled := sub.s.snapshot()
		var want, got, types []string
		for _, e := range all {
			if e.Subscriber == sub.name {
				want = append(want, e.WebhookID)
			}
		}
		for id, typ := range handled {
			got, types = append(got, id), append(types, typ)
		}
		slices.Sort(want)
		slices.Sort(got)
		sort.Strings(types)
		if badSigs != 0 || !slices.Equal(got, want) {
			t.Errorf("%s: handled %v (%d bad signatures), want %v", sub.name, got, badSigs, want)
		}
		if wantTypes := []string{"article.clustered", "article.clustered", "article.removed", "cluster.changed"}; !slices.Equal(types, wantTypes) {
			t.Errorf("%s: handled events %v, want %v", sub.name, types, wantTypes)
		}
		for id, n := range arrivals {
			if n > 1 {
				t.Logf("%s: %s arrived %d times, handled once", sub.name, id, n)
			}
		}
	}

	// A redelivery of a delivered event arrives again and is dropped.
	first := all[0]
	sub := map[string]*subscriber{"search": search, "alerts": alerts}[first.Subscriber]
	_, _, before, _ := sub.snapshot()
	c.do("POST", fmt.Sprintf("/v1/events/%d/redeliver", first.ID), nil, nil, 202)
	eventually(t, 10*time.Second, "the redelivered event to arrive", func() bool {
		_, _, arrivals, _ := sub.snapshot()
		return arrivals[first.WebhookID] > before[first.WebhookID]
	})
	if _, _, _, handled := sub.snapshot(); len(handled) != 4 {
		t.Errorf("after a redelivery %s handled %d events, want still 4", first.Subscriber, len(handled))
	}
	c.do("POST", "/v1/events/999999/redeliver", nil, nil, 404)
}
