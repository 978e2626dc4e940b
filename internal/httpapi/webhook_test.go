package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

var (
	testHookKey      = bytes.Repeat([]byte{7}, 32)
	testHookKeyOther = bytes.Repeat([]byte{9}, 32)
)

// fakeReceipts is an in-memory HookReceipts.
type fakeReceipts struct {
	mu       sync.Mutex
	receipts map[string]HookReceipt
	getErr   error
	// beforeInsert, when set, runs before an insert: a test stores a
	// receipt there to play a concurrent delivery that won the race.
	beforeInsert func(f *fakeReceipts)
	insertErr    error
}

func newFakeReceipts() *fakeReceipts {
	return &fakeReceipts{receipts: map[string]HookReceipt{}}
}

func (f *fakeReceipts) GetHookReceipt(_ context.Context, id string) (*HookReceipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.getErr != nil {
		return nil, f.getErr
	}
	r, ok := f.receipts[id]
	if !ok {
		return nil, fmt.Errorf("receipt %s: %w", id, dedup.ErrNotFound)
	}
	return &r, nil
}

func (f *fakeReceipts) InsertHookReceipt(_ context.Context, r HookReceipt) (*HookReceipt, bool, error) {
	if f.beforeInsert != nil {
		f.beforeInsert(f)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.insertErr != nil {
		return nil, false, f.insertErr
	}
	if old, ok := f.receipts[r.WebhookID]; ok {
		return &old, false, nil
	}
	f.receipts[r.WebhookID] = r
	return &r, true, nil
}

func (f *fakeReceipts) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.receipts)
}

// newHookServer returns a server whose hook accepts signatures by keys.
func newHookServer(tb testing.TB, svc ArticleService, receipts HookReceipts, keys ...[]byte) *testServer {
	tb.Helper()
	if len(keys) == 0 {
		keys = [][]byte{testHookKey}
	}
	v, err := webhooks.NewVerifier(keys...)
	if err != nil {
		tb.Fatal(err)
	}
	return newTestServer(tb, svc, Config{HookVerifier: v, HookReceipts: receipts})
}

// hookRequest is a delivery of body signed with key at ts.
func hookRequest(target, id string, ts time.Time, body string, key []byte) *http.Request {
	req := jsonRequest(http.MethodPost, target, body)
	req.Header.Set(webhooks.HeaderID, id)
	req.Header.Set(webhooks.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(webhooks.HeaderSignature, webhooks.Sign(key, id, ts, []byte(body)))
	return req
}

const hookArticleBody = `{"external_id":"a-1","source":"wire","body":"Leaders met in Samarkand on Thursday.","version":2}`

// countingIngest is a fake Ingest that counts its calls and answers with a
// new article the first time and the stored one after.
func countingIngest(calls *int, mu *sync.Mutex) func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
	return func(_ context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		*calls++
		return testResult(5, *calls == 1), nil
	}
}

func TestIngestHookSignature(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		msg    string
	}{
		{"valid", func() *http.Request {
			return hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKey)
		}, http.StatusCreated, ""},
		{"rotated secret", func() *http.Request {
			return hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKeyOther)
		}, http.StatusCreated, ""},
		{"one of several signatures", func() *http.Request {
			req := hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKey)
			req.Header.Set(webhooks.HeaderSignature, "v1,AAAA "+req.Header.Get(webhooks.HeaderSignature))
			return req
		}, http.StatusCreated, ""},
		{"unsigned", func() *http.Request {
			return jsonRequest(http.MethodPost, "/v1/hooks/ingest", hookArticleBody)
		}, http.StatusUnauthorized, "missing webhook headers"},
		{"tampered body", func() *http.Request {
			req := hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKey)
			return withBody(req, strings.Replace(hookArticleBody, "Thursday", "Friday", 1))
		}, http.StatusUnauthorized, "signature mismatch"},
		{"tampered id", func() *http.Request {
			req := hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKey)
			req.Header.Set(webhooks.HeaderID, "msg_2")
			return req
		}, http.StatusUnauthorized, "signature mismatch"},
		{"unknown secret", func() *http.Request {
			return hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, bytes.Repeat([]byte{1}, 32))
		}, http.StatusUnauthorized, "signature mismatch"},
		{"replayed: stale timestamp", func() *http.Request {
			return hookRequest("/v1/hooks/ingest", "msg_1", now.Add(-6*time.Minute), hookArticleBody, testHookKey)
		}, http.StatusUnauthorized, "outside tolerance"},
		{"timestamp in the future", func() *http.Request {
			return hookRequest("/v1/hooks/ingest", "msg_1", now.Add(6*time.Minute), hookArticleBody, testHookKey)
		}, http.StatusUnauthorized, "outside tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls int
			var mu sync.Mutex
			receipts := newFakeReceipts()
			s := newHookServer(t, &fakeService{ingest: countingIngest(&calls, &mu)}, receipts, testHookKey, testHookKeyOther)
			rec := s.do(t, tt.req())
			if tt.msg != "" {
				wantError(t, rec, tt.status, codeUnauthorized, tt.msg)
				if calls != 0 || receipts.count() != 0 {
					t.Errorf("a refused delivery was processed: %d ingests, %d receipts", calls, receipts.count())
				}
				return
			}
			if rec.Code != tt.status || calls != 1 || receipts.count() != 1 {
				t.Errorf("status %d, %d ingests, %d receipts; want %d, 1, 1; body %s", rec.Code, calls, receipts.count(), tt.status, rec.Body)
			}
		})
	}
}

// withBody replaces the body of req, keeping its headers.
func withBody(req *http.Request, body string) *http.Request {
	out := jsonRequest(req.Method, req.URL.String(), body)
	out.Header = req.Header.Clone()
	return out
}

func TestIngestHookRedeliveryAnswersFromReceipt(t *testing.T) {
	var calls int
	var mu sync.Mutex
	s := newHookServer(t, &fakeService{ingest: countingIngest(&calls, &mu)}, newFakeReceipts())
	now := time.Now()
	first := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", now, hookArticleBody, testHookKey))
	// A redelivery is a new attempt: a new timestamp and signature.
	again := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", now.Add(time.Minute), hookArticleBody, testHookKey))
	if calls != 1 {
		t.Errorf("ingested %d times, want once", calls)
	}
	if first.Code != http.StatusCreated || again.Code != first.Code {
		t.Errorf("statuses %d then %d, want 201 twice", first.Code, again.Code)
	}
	if again.Body.String() != first.Body.String() {
		t.Errorf("redelivery answered\n%s\nafter\n%s", again.Body, first.Body)
	}
	if first.Header().Get(headerReplayed) != "" || again.Header().Get(headerReplayed) != "true" {
		t.Errorf("Idempotent-Replayed = %q then %q, want none then true",
			first.Header().Get(headerReplayed), again.Header().Get(headerReplayed))
	}
	if loc := again.Header().Get("Location"); loc != "/v1/articles/5" {
		t.Errorf("Location = %q, want /v1/articles/5", loc)
	}

	// A new webhook-id is a new message, processed again (the service
	// finds the article stored).
	other := s.do(t, hookRequest("/v1/hooks/ingest", "msg_2", now, hookArticleBody, testHookKey))
	if calls != 2 || other.Code != http.StatusOK {
		t.Errorf("new webhook-id: %d ingests, status %d; want 2, 200", calls, other.Code)
	}
}

// TestIngestHookConcurrentDeliveries plays two deliveries of one webhook
// that both missed the receipt lookup: the one that stores its receipt
// second answers with the first one's answer.
func TestIngestHookConcurrentDeliveries(t *testing.T) {
	receipts := newFakeReceipts()
	winner := HookReceipt{WebhookID: "msg_1", ArticleID: 5, Status: http.StatusCreated,
		Response: []byte(`{"article":{"id":5,"external_id":"a-1","url":"","title":"","source":"wire","format":"text","language":"","version":2,"cluster_id":5},"created":true,"updated":false,"matches":[]}`)}
	receipts.beforeInsert = func(f *fakeReceipts) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.receipts["msg_1"] = winner
	}
	svc := &fakeService{ingest: func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
		return testResult(5, false), nil
	}}
	s := newHookServer(t, svc, receipts)
	rec := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", time.Now(), hookArticleBody, testHookKey))
	if rec.Code != winner.Status || rec.Body.String() != string(winner.Response) {
		t.Errorf("answered %d %s, want the stored %d %s", rec.Code, rec.Body, winner.Status, winner.Response)
	}
	if rec.Header().Get(headerReplayed) != "true" {
		t.Error("the stored answer of another delivery lacks Idempotent-Replayed")
	}
}

// wireStory is a ninjs 2.0 document written from the field list of the
// IPTC ninjs 2.0 schema: uri, version, versioncreated, firstcreated,
// pubstatus, language, headlines, bodies (HTML and plain), by, plus fields
// the service does not use.
const wireStory = `{
  "uri": "urn:newsml:example-wire.com:20240611:EXW-0042",
  "type": "text",
  "version": "3",
  "firstcreated": "2024-06-11T07:58:00+02:00",
  "versioncreated": "2024-06-11T09:12:31Z",
  "pubstatus": "usable",
  "language": "en",
  "headlines": [
    {"role": "short", "value": "Port strike ends"},
    {"role": "main", "value": "Dock workers end week-long strike at Rotterdam port"}
  ],
  "by": "Anna de Vries",
  "bodies": [
    {"role": "main", "contenttype": "text/plain", "value": "Dock workers ended their strike."},
    {"role": "main", "contenttype": "text/html", "value": "<p>Dock workers at the port of Rotterdam ended a week-long strike on Tuesday.</p>"}
  ],
  "subjects": [{"name": "labour dispute", "uri": "http://cv.iptc.org/newscodes/mediatopic/20000648"}],
  "located": "Rotterdam"
}`

func TestIngestHookNinjs(t *testing.T) {
	tests := []struct {
		name, target, source string
	}{
		{"source from the uri", "/v1/hooks/ingest", "example-wire.com"},
		{"source from the query", "/v1/hooks/ingest?source=exw", "exw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got dedup.ArticleInput
			svc := &fakeService{ingest: func(_ context.Context, in dedup.ArticleInput) (*dedup.Result, error) {
				got = in
				return testResult(5, true), nil
			}}
			s := newHookServer(t, svc, newFakeReceipts())
			rec := s.do(t, hookRequest(tt.target, "msg_1", time.Now(), wireStory, testHookKey))
			if rec.Code != http.StatusCreated {
				t.Fatalf("status %d, want 201; body %s", rec.Code, rec.Body)
			}
			want := dedup.ArticleInput{
				ExternalID:  "urn:newsml:example-wire.com:20240611:EXW-0042",
				Title:       "Dock workers end week-long strike at Rotterdam port",
				Body:        "<p>Dock workers at the port of Rotterdam ended a week-long strike on Tuesday.</p>",
				Format:      dedup.FormatHTML,
				Source:      tt.source,
				PublishedAt: time.Date(2024, 6, 11, 5, 58, 0, 0, time.UTC),
				Language:    "en",
				Version:     3,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ingested (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIngestHookWithdrawal(t *testing.T) {
	const uri = "urn:newsml:example-wire.com:20240611:EXW-0042"
	canceled := func(version string) string {
		return fmt.Sprintf(`{"uri":%q,"version":%q,"pubstatus":"canceled","headlines":[{"value":"KILL: port strike"}]}`, uri, version)
	}
	tests := []struct {
		name      string
		body      string
		stored    *dedup.Article // nil: nothing stored
		wantGone  bool
		wantInMsg string
	}{
		{"removes the stored article", canceled("4"), &dedup.Article{ID: 8, Version: 3}, true, "article 8 removed"},
		{"withdrawn without a version", `{"uri":"` + uri + `","pubstatus":"withdrawn","headline":"WITHDRAWN"}`, &dedup.Article{ID: 8, Version: 3}, true, "removed"},
		{"nothing stored", canceled("4"), nil, false, "nothing to remove"},
		{"stale withdrawal", canceled("2"), &dedup.Article{ID: 8, Version: 3}, false, "newer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var deleted []int64
			svc := &fakeService{
				getByExtID: func(_ context.Context, source, externalID string) (*dedup.Article, error) {
					if source != "example-wire.com" || externalID != uri {
						t.Errorf("looked up (%q, %q)", source, externalID)
					}
					if tt.stored == nil {
						return nil, dedup.ErrNotFound
					}
					return tt.stored, nil
				},
				deleteArticle: func(_ context.Context, id int64) error {
					deleted = append(deleted, id)
					return nil
				},
			}
			s := newHookServer(t, svc, newFakeReceipts())
			rec := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", time.Now(), tt.body, testHookKey))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
			}
			var got withdrawalJSON
			decodeJSON(t, rec, &got)
			if got.Removed != tt.wantGone || (len(deleted) == 1) != tt.wantGone || !strings.Contains(got.Message, tt.wantInMsg) {
				t.Errorf("answer %+v after deleting %v; want removed %v and a message with %q", got, deleted, tt.wantGone, tt.wantInMsg)
			}
		})
	}
}

func TestIngestHookBadInput(t *testing.T) {
	big := `{"external_id":"a","body":"` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		code        string
		msg         string
	}{
		{"not JSON", `{"uri":`, "", http.StatusBadRequest, codeInvalidArgument, "invalid JSON"},
		{"neither format", `{"title":"x","body":"y"}`, "", http.StatusBadRequest, codeInvalidArgument, "neither an article"},
		{"both formats", `{"uri":"u","external_id":"e","body":"y"}`, "", http.StatusBadRequest, codeInvalidArgument, "send one format"},
		{"ninjs without a body", `{"uri":"urn:newsml:exw:1:2","headlines":[{"value":"Only a headline"}]}`, "", http.StatusBadRequest, codeInvalidArgument, "bodies"},
		{"ninjs without a source", `{"uri":"0b1d7a7e-2f2c-4d5e-9a7b-1c2d3e4f5a6b","body_text":"Text."}`, "", http.StatusBadRequest, codeInvalidArgument, "?source="},
		{"ninjs bad version", `{"uri":"urn:newsml:exw:1:2","version":"v2","body_text":"Text."}`, "", http.StatusBadRequest, codeInvalidArgument, "version"},
		{"article without external_id", `{"external_id":"","source":"wire","body":"Text."}`, "", http.StatusBadRequest, codeInvalidArgument, "external_id"},
		{"article with an unknown field", `{"external_id":"a","source":"wire","body":"Text.","pubstatus":"usable"}`, "", http.StatusBadRequest, codeInvalidJSON, "unknown field"},
		{"not UTF-8", "{\"external_id\":\"a\",\"body\":\"\xff\"}", "", http.StatusBadRequest, codeInvalidJSON, "UTF-8"},
		{"not JSON content", hookArticleBody, "text/plain", http.StatusUnsupportedMediaType, codeUnsupportedMediaType, "application/json"},
		{"too large", big, "", http.StatusRequestEntityTooLarge, codeTooLarge, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receipts := newFakeReceipts()
			s := newHookServer(t, &fakeService{}, receipts)
			req := hookRequest("/v1/hooks/ingest", "msg_1", time.Now(), tt.body, testHookKey)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			wantError(t, s.do(t, req), tt.status, tt.code, tt.msg)
			if receipts.count() != 0 {
				t.Error("a refused delivery left a receipt")
			}
		})
	}

	t.Run("webhook-id too long", func(t *testing.T) {
		s := newHookServer(t, &fakeService{}, newFakeReceipts())
		rec := s.do(t, hookRequest("/v1/hooks/ingest", strings.Repeat("m", 300), time.Now(), hookArticleBody, testHookKey))
		wantError(t, rec, http.StatusBadRequest, codeInvalidArgument, "webhook-id")
	})
	t.Run("query source contradicts the body", func(t *testing.T) {
		s := newHookServer(t, &fakeService{}, newFakeReceipts())
		rec := s.do(t, hookRequest("/v1/hooks/ingest?source=other", "msg_1", time.Now(), hookArticleBody, testHookKey))
		wantError(t, rec, http.StatusBadRequest, codeInvalidArgument, "source")
	})
}

func TestIngestHookRetryableFailures(t *testing.T) {
	unavailable := func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
		return nil, fmt.Errorf("insert articles: %w", dedup.ErrUnavailable)
	}
	ok := func(context.Context, dedup.ArticleInput) (*dedup.Result, error) { return testResult(5, true), nil }
	tests := []struct {
		name     string
		ingest   func(context.Context, dedup.ArticleInput) (*dedup.Result, error)
		receipts func(*fakeReceipts)
		status   int
	}{
		{"store unavailable", unavailable, func(*fakeReceipts) {}, http.StatusServiceUnavailable},
		{"concurrent delete", func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
			return nil, fmt.Errorf("article 5: %w", dedup.ErrNotFound)
		}, func(*fakeReceipts) {}, http.StatusServiceUnavailable},
		{"concurrent insert", func(context.Context, dedup.ArticleInput) (*dedup.Result, error) {
			return nil, fmt.Errorf("insert articles: %w", dedup.ErrConflict)
		}, func(*fakeReceipts) {}, http.StatusServiceUnavailable},
		{"receipt lookup fails", ok, func(f *fakeReceipts) { f.getErr = errors.New("connection reset") }, http.StatusInternalServerError},
		{"receipt insert fails", ok, func(f *fakeReceipts) { f.insertErr = errors.New("connection reset") }, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receipts := newFakeReceipts()
			tt.receipts(receipts)
			s := newHookServer(t, &fakeService{ingest: tt.ingest}, receipts)
			rec := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", time.Now(), hookArticleBody, testHookKey))
			if rec.Code != tt.status || rec.Header().Get("Retry-After") == "" {
				t.Errorf("status %d, Retry-After %q; want %d with Retry-After", rec.Code, rec.Header().Get("Retry-After"), tt.status)
			}
			if receipts.count() != 0 {
				t.Error("a failure was stored as the answer; the retry would get it")
			}
		})
	}
}

func TestIngestHookNotConfigured(t *testing.T) {
	s := newTestServer(t, &fakeService{}, Config{})
	rec := s.do(t, hookRequest("/v1/hooks/ingest", "msg_1", time.Now(), hookArticleBody, testHookKey))
	wantError(t, rec, http.StatusNotFound, codeNotFound, "not configured")
}
