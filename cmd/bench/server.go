package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/cmd/bench/pgtemp"
)

// server is cmd/server running as a child process on a loopback port.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	token  string
	client *http.Client
	log    *os.File
}

// startServer builds cmd/server (unless -server names a binary) and starts
// it against db, logging into dir, and waits until it is ready.
func startServer(ctx context.Context, cfg *Config, db *pgtemp.DB, dir string, stderr io.Writer) (*server, error) {
	bin := cfg.Server
	if bin == "" {
		bin = filepath.Join(dir, "server")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/server")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build ./cmd/server (run bench from the repository root, or pass -server): %w", err)
		}
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	s := &server{base: "http://" + addr, token: hex.EncodeToString(tok[:])}
	if s.log, err = os.Create(filepath.Join(dir, "server.log")); err != nil {
		return nil, err
	}
	// Not CommandContext: stop() ends the server with SIGTERM, so that it
	// shuts down gracefully and closes its pool before the database drops.
	s.cmd = exec.Command(bin, "-addr", addr)
	s.cmd.Env = append(os.Environ(), "DATABASE_URL="+db.URL, "DEDUP_API_TOKEN="+s.token)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.log.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.client = &http.Client{
		Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute},
		Timeout:   2 * time.Minute,
	}
	if err := s.waitReady(ctx, time.Minute); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady polls /readyz until it answers 200, at most for limit.
func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := s.client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("server not ready after %s (see %s)", limit, s.log.Name())
}

// stop sends SIGTERM and waits for the server to exit, killing it after
// 30 seconds.
func (s *server) stop() error {
	defer s.log.Close()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		return errors.Join(errors.New("server did not stop in 30s; killed"), s.cmd.Process.Kill())
	}
}

// cpuSnap is CPU time used so far by the server and by each Postgres
// backend connected to its database.
type cpuSnap struct {
	server   time.Duration
	backends map[int]time.Duration
}

// since is the CPU time used between from and c. A backend that exited in
// between is missing (the pool keeps its connections, so that is rare);
// one that started in between counts in full.
func (c cpuSnap) since(from cpuSnap) cpuUse {
	u := cpuUse{server: c.server - from.server}
	for pid, t := range c.backends {
		u.postgres += t - from.backends[pid]
	}
	return u
}

// cpuUse is CPU time of the server and of its Postgres backends.
type cpuUse struct{ server, postgres time.Duration }

// msPer is the server's and Postgres's CPU time in ms per n things.
func (c cpuUse) msPer(n int) (server, postgres float64) {
	if n <= 0 {
		return 0, 0
	}
	return float64(c.server.Microseconds()) / 1000 / float64(n), float64(c.postgres.Microseconds()) / 1000 / float64(n)
}

func (s *server) cpu(dbName string) cpuSnap {
	c := cpuSnap{server: procCPU(s.cmd.Process.Pid), backends: map[int]time.Duration{}}
	pids, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range pids {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if isBackendOf(string(b), dbName) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			c.backends[pid] = procCPU(pid)
		}
	}
	return c
}

// rss is the server's resident set size and its peak, in KiB, from
// /proc/pid/status; zeros when it cannot be read.
func (s *server) rss() (now, peak int64) {
	return procStatusKiB(s.cmd.Process.Pid, "VmRSS:"), procStatusKiB(s.cmd.Process.Pid, "VmHWM:")
}

func procStatusKiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	return statusKiB(string(b), field)
}

// statusKiB reads a "Field:   123 kB" line of /proc/pid/status.
func statusKiB(status, field string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// isBackendOf reports whether a process title is that of a Postgres
// backend connected to dbName: "postgres: [cluster: ]user database
// host(port) state".
func isBackendOf(title, dbName string) bool {
	f := strings.Fields(title)
	if len(f) < 4 || f[0] != "postgres:" {
		return false
	}
	if strings.HasSuffix(f[1], ":") { // cluster_name, as Debian sets it
		f = f[1:]
	}
	return f[2] == dbName
}

// procCPU is a process's user plus system time, from /proc/pid/stat, or 0
// when it cannot be read.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	// utime and stime are fields 14 and 15, in clock ticks of 1/100 s
	// (USER_HZ is 100 on Linux).
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// bulkLoad posts the next n corpus docs in batches of size batch, with
// workers batches in flight, and returns how many the server rejected. A
// batch that fails as a whole is retried (ingest is idempotent by external
// id).
func bulkLoad(ctx context.Context, s *server, corpus *corpusReader, n, batch, workers int, stderr io.Writer) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []doc)
	var mu sync.Mutex
	rejected, done := 0, 0
	start, last := time.Now(), time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for docs := range batches {
				r, err := s.postBatch(ctx, docs)
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				rejected += r
				done += len(docs)
				if time.Since(last) > 30*time.Second {
					last = time.Now()
					fmt.Fprintf(stderr, "bench: scale: loaded %s/%s (%.0f articles/s)\n", fmtCount(int64(done)), fmtCount(int64(n)), float64(done)/time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	var err error
	for sent := 0; sent < n && err == nil; {
		var docs []doc
		if docs, err = corpus.take(min(batch, n-sent)); err != nil {
			break
		}
		select {
		case batches <- docs:
			sent += len(docs)
		case <-ctx.Done():
			err = context.Cause(ctx)
		}
	}
	close(batches)
	wg.Wait()
	if err == nil {
		err = context.Cause(ctx)
	}
	return rejected, err
}

// postBatch posts one batch, trying up to three times, and returns the
// number of items that failed.
func (s *server) postBatch(ctx context.Context, docs []doc) (int, error) {
	items := make([]map[string]string, len(docs))
	for i, d := range docs {
		items[i] = articleBody(d)
	}
	body, err := json.Marshal(map[string]any{"articles": items})
	if err != nil {
		return 0, err
	}
	var lastErr error
	for range 3 {
		failed, err := s.tryBatch(ctx, body)
		if err == nil {
			return failed, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return 0, lastErr
}

func (s *server) tryBatch(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/v1/articles:batch", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("batch: status %d: %.200s", resp.StatusCode, b)
	}
	var out struct {
		Items []struct {
			Status int `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return 0, fmt.Errorf("batch: %w", err)
	}
	failed := 0
	for _, it := range out.Items {
		if it.Status/100 != 2 {
			failed++
		}
	}
	return failed, nil
}

// metrics returns the server's /metrics, parsed (see parseMetrics); nil
// when it cannot be read.
func (s *server) metrics(ctx context.Context) metricFamilies {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/metrics", nil)
	if err != nil {
		return nil
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil
	}
	return parseMetrics(string(b))
}

// databaseSize is pg_database_size of the database at url.
func databaseSize(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n, err
}

// machineTicks is the machine's CPU time from /proc/stat, in clock ticks
// summed over its cores.
type machineTicks struct {
	total, idle, steal int64 // idle counts iowait; steal is time the hypervisor gave elsewhere
	cores              int   // the per-core lines: every online core, whatever this process may run on
}

// readMachineTicks reads /proc/stat; zeros when it cannot.
func readMachineTicks() machineTicks {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineTicks{}
	}
	return parseMachineTicks(string(b))
}

// parseMachineTicks parses /proc/stat: its first line, "cpu  user nice
// system idle iowait irq softirq steal guest guest_nice", and the count of
// "cpuN" lines. Guest time is already counted in user and nice, so it is
// left out of the total.
func parseMachineTicks(stat string) machineTicks {
	first, rest, _ := strings.Cut(stat, "\n")
	f := strings.Fields(first)
	if len(f) < 9 || f[0] != "cpu" {
		return machineTicks{}
	}
	var v [8]int64
	for i := range v {
		v[i], _ = strconv.ParseInt(f[i+1], 10, 64)
	}
	var m machineTicks
	for _, x := range v {
		m.total += x
	}
	m.idle = v[3] + v[4]
	m.steal = v[7]
	for _, line := range strings.Split(rest, "\n") {
		if n, ok := strings.CutPrefix(line, "cpu"); ok && n != "" && n[0] >= '0' && n[0] <= '9' {
			m.cores++
		}
	}
	return m
}

// busyCores is the mean number of cores busy (any process) and stolen by
// the hypervisor between from and m.
func (m machineTicks) busyCores(from machineTicks) (busy, stolen float64) {
	total := m.total - from.total
	if total <= 0 {
		return 0, 0
	}
	n := float64(m.cores)
	busy = n * float64(total-(m.idle-from.idle)-(m.steal-from.steal)) / float64(total)
	stolen = n * float64(m.steal-from.steal) / float64(total)
	return busy, stolen
}
