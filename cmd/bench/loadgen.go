package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// attack is one open-loop load phase: n requests at a fixed rate,
// whatever the answers, as vegeta's attack does. (vegeta itself is not
// used: its module does not resolve through this machine's proxy.)
type attack struct {
	Client      *http.Client
	URL         string // must be a loopback address
	Token       string
	Rate        float64  // requests per second
	Bodies      [][]byte // request i posts Bodies[i]
	MaxInFlight int      // requests beyond this are counted as dropped, not sent
}

// attackResult is what one attack measured. Latencies run from when a
// request was due, not from when it was sent, so that a server (or a
// generator) falling behind shows as latency instead of hiding it
// (coordinated omission).
type attackResult struct {
	Sent      int             `json:"sent"`
	OK        int             `json:"ok"` // 2xx
	Errors    int             `json:"errors"`
	Dropped   int             `json:"dropped"`
	Statuses  map[int]int     `json:"statuses"`
	Elapsed   time.Duration   `json:"elapsed"`
	Latencies []time.Duration `json:"-"`
	// Due holds, for each latency, when its request was due (from the
	// start of the attack): what timeline buckets by.
	Due      []time.Duration `json:"-"`
	FirstErr string          `json:"first_error,omitempty"`
}

// Throughput is the successful requests per second.
func (r *attackResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// run sends the requests and waits for the last answer; it stops sending
// when ctx is done.
func (a *attack) run(ctx context.Context) (*attackResult, error) {
	if err := checkLoopback(a.URL); err != nil {
		return nil, err
	}
	if a.Rate <= 0 || a.MaxInFlight < 1 {
		return nil, errors.New("attack: rate and in-flight bound must be positive")
	}
	res := &attackResult{Statuses: map[int]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, a.MaxInFlight)
	interval := time.Duration(float64(time.Second) / a.Rate)
	start := time.Now()
	for i, body := range a.Bodies {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		default:
			res.Dropped++
			continue
		}
		res.Sent++
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			status, err := a.send(ctx, body)
			took := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			res.Latencies = append(res.Latencies, took)
			res.Due = append(res.Due, due.Sub(start))
			switch {
			case err != nil:
				res.Errors++
				if res.FirstErr == "" {
					res.FirstErr = err.Error()
				}
			case status/100 == 2:
				res.OK++
				res.Statuses[status]++
			default:
				res.Errors++
				res.Statuses[status]++
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, nil
}

func (a *attack) send(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	resp, err := a.Client.Do(req)
	if err != nil {
		return 0, err
	}
	// Drain, so that the connection is reused.
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, errors.Join(err, resp.Body.Close())
}

// checkLoopback refuses any target that is not a loopback address: the
// load generator never leaves the machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("attack: %s is not a loopback address", u.Host)
	}
	return nil
}

// second is one second of an attack: the requests due in it and their
// latencies, so that a tail made in a few seconds (a cold start, a
// checkpoint) can be told from one spread over the run.
type second struct {
	At    int     `json:"at"` // seconds from the start of the attack
	N     int     `json:"n"`
	P50ms float64 `json:"p50_ms"`
	P99ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// timeline buckets the latencies by the second their request was due in.
func (r *attackResult) timeline() []second {
	var buckets [][]time.Duration
	for i, d := range r.Due {
		s := int(d / time.Second)
		for len(buckets) <= s {
			buckets = append(buckets, nil)
		}
		buckets[s] = append(buckets[s], r.Latencies[i])
	}
	out := make([]second, 0, len(buckets))
	for s, ls := range buckets {
		if len(ls) == 0 {
			continue
		}
		out = append(out, second{At: s, N: len(ls), P50ms: millis(percentile(ls, 50)), P99ms: millis(percentile(ls, 99)), MaxMs: millis(percentile(ls, 100))})
	}
	return out
}

// millis is a duration in milliseconds, to the microsecond.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of the
// durations: the smallest value with at least p% of them at or below
// it. It returns 0 for none.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}
