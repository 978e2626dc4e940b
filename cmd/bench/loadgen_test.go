package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100..1, unsorted
	}
	tests := []struct {
		name string
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 99, 0},
		{"one", ms(7), 50, 7 * time.Millisecond},
		{"median of four is the second", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"tiny p is the min", ms(5, 9, 1), 0.1, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.ds, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %s, want %s", tt.p, got, tt.want)
			}
		})
	}
}

func TestCheckLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://127.0.0.1:8080/v1/articles": true,
		"http://[::1]:8080/":                true,
		"http://10.0.0.1/":                  false,
		"http://example.com/":               false,
		"http://localhost:80/":              false, // names are not resolved: only literal addresses
	} {
		if err := checkLoopback(url); (err == nil) != ok {
			t.Errorf("checkLoopback(%s) = %v, want ok=%v", url, err, ok)
		}
	}
}

func TestAttack(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		if string(b) == "bad" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	bodies := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d"), []byte("bad")}
	a := &attack{Client: srv.Client(), URL: srv.URL, Token: "tok", Rate: 200, Bodies: bodies, MaxInFlight: 8}
	res, err := a.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 5 || res.OK != 4 || res.Errors != 1 || res.Statuses[201] != 4 || res.Statuses[400] != 1 || len(res.Latencies) != 5 || len(res.Due) != 5 {
		t.Errorf("got %+v", res)
	}
	// Request i was due i*5 ms after the start.
	slices.Sort(res.Due)
	for i, d := range res.Due {
		if want := time.Duration(i) * 5 * time.Millisecond; d != want {
			t.Errorf("request %d due at %s, want %s", i, d, want)
		}
	}
	// Five requests 5 ms apart take at least 20 ms.
	if res.Elapsed < 20*time.Millisecond {
		t.Errorf("elapsed %s: the rate was not kept", res.Elapsed)
	}
}

func TestTimeline(t *testing.T) {
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	r := &attackResult{
		// Due in seconds 0, 0, 2, 2, 2 (none in second 1); out of order, as
		// the answers come back.
		Due:       []time.Duration{ms(900), ms(0), ms(2500), ms(2000), ms(2999)},
		Latencies: []time.Duration{ms(300), ms(10), ms(4), ms(6), ms(5)},
	}
	got := r.timeline()
	want := []second{
		{At: 0, N: 2, P50ms: 10, P99ms: 300, MaxMs: 300},
		{At: 2, N: 3, P50ms: 5, P99ms: 6, MaxMs: 6},
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline = %+v, want %+v", got, want)
	}
	if got := (&attackResult{}).timeline(); len(got) != 0 {
		t.Errorf("timeline of nothing = %+v", got)
	}
}

func TestSlowest(t *testing.T) {
	tl := []second{{At: 0, N: 200, P99ms: 340}, {At: 1, N: 200, P99ms: 9}, {At: 2, N: 200, P99ms: 41.25}}
	if got, want := slowest(tl, 2), "0s p99 340.0 ms (n=200), 2s p99 41.2 ms (n=200)"; got != want {
		t.Errorf("slowest = %q, want %q", got, want)
	}
	if got := slowest(nil, 3); got != "none" {
		t.Errorf("slowest of nothing = %q", got)
	}
}
