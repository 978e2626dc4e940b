package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// Two unrelated stories, long enough to be matched.
const (
	storyPort = "Dock workers at the port of Rotterdam ended a week-long strike on Tuesday after their union " +
		"accepted a pay offer that raises wages by nine percent over two years. The walkout had left more than " +
		"forty container ships waiting at anchor in the North Sea and forced shipping lines to divert cargo to " +
		"Antwerp and Hamburg. Port authority officials said it would take about ten days to clear the backlog, " +
		"and warned that retailers could see delays in deliveries of furniture and electronics into next month. " +
		"The union said members voted by a large majority to accept the deal, which also limits night shifts."
	storyFlood = "Heavy rain overnight flooded the harbour district of the coastal town, forcing the evacuation " +
		"of about two hundred residents from low-lying streets near the old fish market. Firefighters used boats " +
		"to reach elderly people trapped in their homes, and the regional government opened three schools as " +
		"emergency shelters. Forecasters expect the storm to move north by Thursday evening, but warned that " +
		"river levels could keep rising for another day as water drains from the hills. Train services along " +
		"the coast were suspended after a landslide blocked the line south of the main station."
)

// hookSender signs and posts deliveries to the ingest hook, as a newsroom
// system does.
type hookSender struct {
	t    *testing.T
	url  string // the hook's URL, query included
	key  []byte
	sent int
}

// hookAnswer is what the hook answered.
type hookAnswer struct {
	status int
	header http.Header
	body   []byte
}

// deliver signs body as webhook id at ts and posts it.
func (h *hookSender) deliver(id string, ts time.Time, body string) hookAnswer {
	h.t.Helper()
	return h.post(id, ts, body, webhooks.Sign(h.key, id, ts, []byte(body)))
}

// post sends body with the given signature ("" for none).
func (h *hookSender) post(id string, ts time.Time, body, signature string) hookAnswer {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(webhooks.HeaderID, id)
		req.Header.Set(webhooks.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		req.Header.Set(webhooks.HeaderSignature, signature)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		h.t.Fatalf("deliver %s: %v", id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return hookAnswer{status: resp.StatusCode, header: resp.Header, body: b}
}

// deliverNew delivers body under a fresh webhook-id, signed now, and wants
// status.
func (h *hookSender) deliverNew(body string, status int) hookAnswer {
	h.t.Helper()
	h.sent++
	a := h.deliver(fmt.Sprintf("msg_test_%d", h.sent), time.Now(), body)
	if a.status != status {
		h.t.Fatalf("hook answered %d, want %d: %s", a.status, status, a.body)
	}
	return a
}

// ingestAnswer is the part of an ingest answer the tests read.
type ingestAnswer struct {
	Article struct {
		ID        int64  `json:"id"`
		Source    string `json:"source"`
		Version   int64  `json:"version"`
		ClusterID int64  `json:"cluster_id"`
	} `json:"article"`
	Created bool `json:"created"`
	Updated bool `json:"updated"`
}

func (a hookAnswer) ingest(t *testing.T) ingestAnswer {
	t.Helper()
	var out ingestAnswer
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
	return out
}

// ninjsDoc is a ninjs 2.0 document built from the spec's field list: uri,
// version, firstcreated, versioncreated, pubstatus, language, headlines,
// bodies and by, plus subjects, which the service ignores.
func ninjsDoc(uri string, version int, pubstatus, body string) string {
	doc := map[string]any{
		"uri":            uri,
		"type":           "text",
		"version":        strconv.Itoa(version),
		"firstcreated":   "2024-06-11T07:58:00+02:00",
		"versioncreated": time.Date(2024, 6, 11, 9, version, 0, 0, time.UTC).Format(time.RFC3339),
		"pubstatus":      pubstatus,
		"language":       "en",
		"headlines":      []map[string]string{{"role": "main", "value": "Version " + strconv.Itoa(version)}},
		"by":             "Anna de Vries",
		"subjects":       []map[string]string{{"name": "labour dispute", "uri": "http://cv.iptc.org/newscodes/mediatopic/20000648"}},
	}
	if body != "" {
		doc["bodies"] = []map[string]string{{"role": "main", "contenttype": "text/plain", "value": body}}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// hookEnv is the environment of a server with the ingest hook on Postgres.
func hookEnv(t *testing.T, key []byte) map[string]string {
	return map[string]string{
		"DATABASE_URL":      testDatabaseURL(t),
		"DEDUP_API_TOKEN":   "hook-test-token",
		"DEDUP_HOOK_SECRET": webhooks.FormatSecret(bytes.Repeat([]byte{3}, 32)) + "," + webhooks.FormatSecret(key),
	}
}

// TestIngestHookAuthentication sends valid, unsigned, tampered, replayed
// and redelivered requests to a server on Postgres.
func TestIngestHookAuthentication(t *testing.T) {
	key := bytes.Repeat([]byte{5}, 32)
	base := startRun(t, hookEnv(t, key))
	h := &hookSender{t: t, url: base + "/v1/hooks/ingest", key: key}
	article := `{"external_id": "port-1", "source": "wire", "body": "` + storyPort + `"}`
	now := time.Now()

	refused := []struct {
		name   string
		answer func() hookAnswer
		msg    string
	}{
		{"unsigned", func() hookAnswer { return h.post("msg_1", now, article, "") }, "missing webhook headers"},
		{"tampered", func() hookAnswer {
			return h.post("msg_1", now, strings.Replace(article, "nine", "ninety", 1), webhooks.Sign(key, "msg_1", now, []byte(article)))
		}, "signature mismatch"},
		{"wrong secret", func() hookAnswer {
			return h.post("msg_1", now, article, webhooks.Sign(bytes.Repeat([]byte{6}, 32), "msg_1", now, []byte(article)))
		}, "signature mismatch"},
		{"replayed", func() hookAnswer { return h.deliver("msg_1", now.Add(-10*time.Minute), article) }, "outside tolerance"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.answer()
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(a.body, &e); err != nil || a.status != http.StatusUnauthorized ||
				e.Error.Code != "unauthorized" || !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("answered %d %s, want 401 unauthorized with %q", a.status, a.body, tt.msg)
			}
		})
	}

	c := &client{t: t, base: base, token: "hook-test-token"}
	first := h.deliver("msg_1", now, article)
	if first.status != http.StatusCreated {
		t.Fatalf("valid delivery answered %d: %s", first.status, first.body)
	}
	id := first.ingest(t).Article.ID
	c.do("GET", fmt.Sprintf("/v1/articles/%d", id), nil, nil, 200)

	t.Run("redelivery", func(t *testing.T) {
		again := h.deliver("msg_1", now.Add(time.Minute), article)
		if again.status != first.status || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("redelivery answered %d %s (replayed %q), want %d %s", again.status, again.body,
				again.header.Get("Idempotent-Replayed"), first.status, first.body)
		}
	})
	t.Run("concurrent deliveries", func(t *testing.T) {
		flood := `{"external_id": "flood-1", "source": "wire", "body": "` + storyFlood + `"}`
		answers := make([]hookAnswer, 6)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() { answers[i] = h.deliver("msg_concurrent", time.Now(), flood) })
		}
		wg.Wait()
		// The deliveries race to store the article and their answer; the
		// answer stored first (201, or 200 from one that found the article
		// stored) is everyone's.
		for i, a := range answers {
			if a.status/100 != 2 || a.status != answers[0].status || !bytes.Equal(a.body, answers[0].body) {
				t.Errorf("delivery %d answered %d %s; want the first's %d %s", i, a.status, a.body, answers[0].status, answers[0].body)
			}
		}
	})
	t.Run("same external id, new webhook-id", func(t *testing.T) {
		a := h.deliverNew(article, http.StatusOK).ingest(t)
		if a.Article.ID != id || a.Created || a.Updated {
			t.Errorf("answer %+v, want article %d unchanged", a, id)
		}
	})
}

// TestIngestHookNinjsVersions walks one ninjs story through versions on
// Postgres: a copy of another story joins its cluster, a higher version
// with other text leaves it, a lower version is ignored, a still higher
// one rejoins, and a cancellation removes it.
func TestIngestHookNinjsVersions(t *testing.T) {
	key := bytes.Repeat([]byte{5}, 32)
	base := startRun(t, hookEnv(t, key))
	c := &client{t: t, base: base, token: "hook-test-token"}
	h := &hookSender{t: t, url: base + "/v1/hooks/ingest", key: key}
	const (
		origURI = "urn:newsml:example-wire.com:20240611:EXW-0042"
		copyURI = "tag:other-agency.example,2024:OA-77"
	)
	clusterOf := func(id int64) int64 {
		var a struct {
			ClusterID int64 `json:"cluster_id"`
		}
		c.do("GET", fmt.Sprintf("/v1/articles/%d", id), nil, &a, 200)
		return a.ClusterID
	}

	orig := h.deliverNew(ninjsDoc(origURI, 1, "usable", storyPort), http.StatusCreated).ingest(t)
	if orig.Article.Source != "example-wire.com" {
		t.Errorf("source = %q, want the provider the uri names", orig.Article.Source)
	}
	cp := h.deliverNew(ninjsDoc(copyURI, 1, "usable", storyPort), http.StatusCreated).ingest(t)
	if cp.Article.Source != "other-agency.example" || cp.Article.ClusterID != clusterOf(orig.Article.ID) {
		t.Fatalf("copy %+v did not join the cluster of %d", cp, orig.Article.ID)
	}

	steps := []struct {
		name        string
		version     int
		body        string
		wantUpdated bool
		wantVersion int64
		wantJoined  bool // in the cluster of orig afterwards
	}{
		{"higher version replaces", 2, storyFlood, true, 2, false},
		{"lower version is ignored", 1, storyPort, false, 2, false},
		{"equal version is a no-op", 2, storyPort, false, 2, false},
		{"higher version rejoins", 3, storyPort, true, 3, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			a := h.deliverNew(ninjsDoc(copyURI, st.version, "usable", st.body), http.StatusOK).ingest(t)
			joined := clusterOf(cp.Article.ID) == clusterOf(orig.Article.ID)
			if a.Article.ID != cp.Article.ID || a.Updated != st.wantUpdated || a.Article.Version != st.wantVersion || joined != st.wantJoined {
				t.Errorf("answer %+v, joined %v; want article %d updated %v at version %d, joined %v",
					a, joined, cp.Article.ID, st.wantUpdated, st.wantVersion, st.wantJoined)
			}
		})
	}

	t.Run("withdrawal removes", func(t *testing.T) {
		doc := ninjsDoc(copyURI, 4, "canceled", "")
		a := h.deliverNew(doc, http.StatusOK)
		var w struct {
			Removed   bool  `json:"removed"`
			ArticleID int64 `json:"article_id"`
		}
		if err := json.Unmarshal(a.body, &w); err != nil || !w.Removed || w.ArticleID != cp.Article.ID {
			t.Fatalf("withdrawal answered %s, want article %d removed", a.body, cp.Article.ID)
		}
		c.do("GET", fmt.Sprintf("/v1/articles/%d", cp.Article.ID), nil, nil, 404)
		var cl struct {
			Members []struct {
				ArticleID int64 `json:"article_id"`
			} `json:"members"`
		}
		c.do("GET", fmt.Sprintf("/v1/clusters/%d", clusterOf(orig.Article.ID)), nil, &cl, 200)
		if len(cl.Members) != 1 || cl.Members[0].ArticleID != orig.Article.ID {
			t.Errorf("cluster of %d has members %+v after the withdrawal", orig.Article.ID, cl.Members)
		}
		// Withdrawing again finds nothing to remove, and says so.
		again := h.deliverNew(doc, http.StatusOK)
		var none map[string]any
		if err := json.Unmarshal(again.body, &none); err != nil || none["removed"] != false || none["article_id"] != nil {
			t.Errorf("second withdrawal answered %s, want nothing removed", again.body)
		}
	})

	t.Run("not a document", func(t *testing.T) {
		a := h.deliverNew(`{"title": "neither ninjs nor an article"}`, http.StatusBadRequest)
		if !strings.Contains(string(a.body), "neither an article") {
			t.Errorf("answered %s", a.body)
		}
	})
}
