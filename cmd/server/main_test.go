package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/pgtest"
	"github.com/newsdedup/newsdedup/internal/store"
)

// testDatabaseURL creates an empty database for the test and returns its URL.
func testDatabaseURL(t *testing.T) string {
	t.Helper()
	return pgtest.DatabaseURL(t, "newsdedup_e2e")
}

// syncBuffer is a bytes.Buffer that the server can write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitListening waits for the JSON "listening" log line and returns its
// address; it fails if done yields first.
func waitListening(t *testing.T, logs *syncBuffer, done <-chan error) string {
	t.Helper()
	return waitLogAddr(t, logs, done, "listening")
}

// waitLogAddr waits for a JSON log line with message msg and returns its
// addr; it fails if done yields first (a nil done never does).
func waitLogAddr(t *testing.T, logs *syncBuffer, done <-chan error, msg string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == msg {
				return line.Addr
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped before logging %q: %v\nlogs:\n%s", msg, err, logs)
		case <-deadline:
			t.Fatalf("server did not log %q within 30s; logs:\n%s", msg, logs)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// startRun calls run with env on a free port and stops it when the test
// ends, failing the test if it does not stop cleanly. It returns the base URL.
func startRun(t *testing.T, env map[string]string) string {
	t.Helper()
	base, _ := startServer(t, env)
	return base
}

// startServer is startRun that also returns a function to stop the server
// before the test ends, as SIGTERM would; it waits for run to return.
func startServer(t *testing.T, env map[string]string) (base string, stop func()) {
	t.Helper()
	base, stop, _ = startServerLogs(t, env)
	return base, stop
}

// startServerLogs is startServer that also returns the server's JSON log.
func startServerLogs(t *testing.T, env map[string]string) (base string, stop func(), logs *syncBuffer) {
	t.Helper()
	env["DEDUP_ADDR"] = "127.0.0.1:0"
	env["DEDUP_LOG_FORMAT"] = "json"
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, envMap(env), logs, logs) }()
	addr := waitListening(t, logs, done)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("run did not return after cancel")
			}
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("server logs:\n%s", logs)
		}
	})
	return "http://" + addr, stop, logs
}

// client talks JSON to a server started by startRun.
type client struct {
	t     *testing.T
	base  string
	token string
}

// do sends a request and decodes the JSON answer into out (unless nil),
// failing the test unless the status is one of want.
func (c *client) do(method, path string, body, out any, want ...int) int {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if !slices.Contains(want, resp.StatusCode) {
		c.t.Fatalf("%s %s: status %d, want %v; body %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

// metric returns the value of the unlabelled sample name in the text that
// GET /metrics serves, and whether it is there.
func (c *client) metric(name string) (float64, bool) {
	c.t.Helper()
	resp, err := (&http.Client{Timeout: time.Minute}).Get(c.base + "/metrics")
	if err != nil {
		c.t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET /metrics: status %d, %v", resp.StatusCode, err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				c.t.Fatalf("metric %s: %v", name, err)
			}
			return f, true
		}
	}
	return 0, false
}

func TestRunBadConfigFailsBeforeOpeningTheStore(t *testing.T) {
	// A store at this URL would make run hang or fail on connect; a config
	// error must come first.
	env := map[string]string{"DATABASE_URL": "postgres://192.0.2.1:5432/x?connect_timeout=30"}
	start := time.Now()
	err := run(context.Background(), []string{"-max-body", "-1"}, envMap(env), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-max-body") {
		t.Errorf("run = %v, want a -max-body error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("run took %v to reject a bad config", d)
	}
}

// TestRunEmbedded starts the server with no DATABASE_URL, on the embedded
// store in a temporary data directory.
func TestRunEmbedded(t *testing.T) {
	dir := t.TempDir()
	base := startRun(t, map[string]string{"DEDUP_DATA_DIR": dir})
	c := &client{t: t, base: base}
	c.do("GET", "/healthz", nil, nil, 200)
	c.do("GET", "/readyz", nil, nil, 200)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Errorf("data dir %s is empty (%v)", dir, err)
	}
	if _, ok := c.metric("pgxpool_max_conns"); ok {
		t.Error("the embedded store's server reports a Postgres connection pool")
	}
}

func TestRunMigrate(t *testing.T) {
	dbURL := testDatabaseURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "DEDUP_LOG_FORMAT": "json"}

	t.Run("refuses an outdated schema", func(t *testing.T) {
		err := run(context.Background(), []string{"-migrate=false"}, envMap(env), io.Discard, io.Discard)
		if !errors.Is(err, store.ErrSchemaOutdated) {
			t.Errorf("run -migrate=false on an empty database = %v, want store.ErrSchemaOutdated", err)
		}
	})
	t.Run("migrate command", func(t *testing.T) {
		var logs syncBuffer
		if err := run(context.Background(), []string{"migrate"}, envMap(env), &logs, io.Discard); err != nil {
			t.Fatalf("server migrate: %v\n%s", err, logs.String())
		}
		if !strings.Contains(logs.String(), `"msg":"applied migration","file":"0001_`) {
			t.Errorf("applied migrations not logged:\n%s", logs.String())
		}
	})
	t.Run("serves a migrated schema", func(t *testing.T) {
		env := map[string]string{"DATABASE_URL": dbURL, "DEDUP_MIGRATE": "false"}
		c := &client{t: t, base: startRun(t, env)}
		c.do("GET", "/readyz", nil, nil, 200)
		// The pool's statistics are served: the warm-up opened every
		// connection, and the requests so far acquired some.
		maxConns, ok := c.metric("pgxpool_max_conns")
		if !ok || maxConns < 1 {
			t.Fatalf("pgxpool_max_conns = %v (served: %v), want the pool's size", maxConns, ok)
		}
		if total, _ := c.metric("pgxpool_total_conns"); total != maxConns {
			t.Errorf("pgxpool_total_conns = %v after the warm-up, want %v", total, maxConns)
		}
		if n, _ := c.metric("pgxpool_acquire_count"); n < 1 {
			t.Errorf("pgxpool_acquire_count = %v after a readiness check, want at least 1", n)
		}
	})
}

// seedDir returns ../shared/seeds beside the repository, or skips.
func seedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	seeds := filepath.Join(dir, "..", "shared", "seeds")
	if _, err := os.Stat(seeds); err != nil {
		pgtest.SkipOrFail(t, "the seed articles are read from ../shared/seeds beside the repository, which is absent")
	}
	return seeds
}

// The parts of the API's answers the end-to-end test reads.
type (
	e2eArticle struct {
		ID         int64  `json:"id"`
		ExternalID string `json:"external_id"`
		ClusterID  int64  `json:"cluster_id"`
	}
	e2eMatch struct {
		ArticleID int64  `json:"article_id"`
		Relation  string `json:"relation"`
	}
	e2eResult struct {
		Article e2eArticle `json:"article"`
		Created bool       `json:"created"`
		Matches []e2eMatch `json:"matches"`
	}
	e2eCluster struct {
		ID      int64 `json:"id"`
		Members []struct {
			ArticleID int64 `json:"article_id"`
		} `json:"members"`
	}
)

// TestSeedsEndToEnd posts the five seed articles to a real server over
// Postgres: 001 and 003 are rewrites of one story and share a cluster, 004
// reuses passages of both (a partial link, not a cluster member), and 000
// and 002 are independent coverage of the same summit.
func TestSeedsEndToEnd(t *testing.T) {
	seeds := seedDir(t)
	dbURL := testDatabaseURL(t)
	const token = "e2e-token"
	c := &client{t: t, base: startRun(t, map[string]string{"DATABASE_URL": dbURL, "DEDUP_API_TOKEN": token}), token: token}

	files, err := filepath.Glob(filepath.Join(seeds, "*.txt"))
	if err != nil || len(files) != 5 {
		t.Fatalf("want 5 seeds in %s, found %d (%v)", seeds, len(files), err)
	}
	slices.Sort(files)
	id := map[string]int64{}         // seed name -> article id
	posted := map[string]e2eResult{} // seed name -> answer to its POST
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name, _, _ := strings.Cut(filepath.Base(f), "_")
		var res e2eResult
		c.do("POST", "/v1/articles", map[string]string{"external_id": name, "source": "seeds", "body": string(body)}, &res, 201)
		id[name], posted[name] = res.Article.ID, res
	}

	// Clusters may merge as later articles arrive, so read them afterwards.
	cluster := map[string]int64{}
	for name, aid := range id {
		var a e2eArticle
		c.do("GET", fmt.Sprintf("/v1/articles/%d", aid), nil, &a, 200)
		cluster[name] = a.ClusterID
	}
	if cluster["001"] != cluster["003"] {
		t.Errorf("001 and 003 are in clusters %d and %d, want one", cluster["001"], cluster["003"])
	}
	if cluster["004"] == cluster["001"] {
		t.Errorf("004 is in the cluster of 001 and 003; partial reuse must not merge")
	}
	var story e2eCluster
	c.do("GET", fmt.Sprintf("/v1/clusters/%d", cluster["001"]), nil, &story, 200)
	var members []int64
	for _, m := range story.Members {
		members = append(members, m.ArticleID)
	}
	slices.Sort(members)
	if want := []int64{id["001"], id["003"]}; !slices.Equal(members, want) {
		t.Errorf("cluster of 001 has members %v, want %v", members, want)
	}

	partialTo := map[int64]bool{}
	for _, m := range posted["004"].Matches {
		if m.Relation == "partial" {
			partialTo[m.ArticleID] = true
		}
	}
	if !partialTo[id["001"]] || !partialTo[id["003"]] {
		t.Errorf("004 matched %+v, want partial links to 001 (%d) and 003 (%d)", posted["004"].Matches, id["001"], id["003"])
	}

	for _, name := range []string{"000", "002"} {
		var own e2eCluster
		c.do("GET", fmt.Sprintf("/v1/clusters/%d", cluster[name]), nil, &own, 200)
		if len(own.Members) != 1 || own.Members[0].ArticleID != id[name] {
			t.Errorf("%s is in a cluster with %+v, want itself alone", name, own.Members)
		}
		var list struct {
			Matches []e2eMatch `json:"matches"`
		}
		c.do("GET", fmt.Sprintf("/v1/articles/%d/matches", id[name]), nil, &list, 200)
		if len(list.Matches) != 0 {
			t.Errorf("%s has links %+v, want none", name, list.Matches)
		}
	}

	// Posting a seed again stores nothing new.
	body, _ := os.ReadFile(files[1])
	c.do("POST", "/v1/articles", map[string]string{"external_id": "001", "source": "seeds", "body": string(body)}, nil, 200)
	// Writes need the token.
	(&client{t: t, base: c.base}).do("DELETE", fmt.Sprintf("/v1/articles/%d", id["000"]), nil, nil, 401)
}
