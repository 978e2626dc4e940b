package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRunServesProfilesApart starts the server with -debug-addr and
// expects the runtime profiles there, not on the API's address, and the
// debug listener closed once the server has stopped.
func TestRunServesProfilesApart(t *testing.T) {
	api, stop, logs := startServerLogs(t, map[string]string{"DEDUP_DEBUG_ADDR": "127.0.0.1:0", "DEDUP_DATA_DIR": t.TempDir()})
	// The debug listener starts before the API's, so its line is logged.
	debug := "http://" + waitLogAddr(t, logs, nil, "debug listener")
	if api == debug {
		t.Fatalf("API and profiles share %s", api)
	}

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	if code, body := get(debug + "/debug/pprof/heap?debug=1"); code != http.StatusOK || !strings.Contains(body, "heap profile") {
		t.Errorf("heap profile: status %d, body starts %.80q", code, body)
	}
	if code, body := get(debug + "/debug/pprof/profile?seconds=1"); code != http.StatusOK || len(body) == 0 {
		t.Errorf("CPU profile: status %d, %d bytes", code, len(body))
	}
	if code, _ := get(api + "/debug/pprof/heap?debug=1"); code != http.StatusNotFound {
		t.Errorf("the API's address answers /debug/pprof/ with %d, want 404", code)
	}

	stop()
	if resp, err := http.Get(debug + "/debug/pprof/"); err == nil {
		resp.Body.Close()
		t.Error("the debug listener still answers after the server stopped")
	}
}

func TestStartDebug(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	if _, err := startDebug("256.0.0.1:1", logger); err == nil || !strings.Contains(err.Error(), "debug listener") {
		t.Errorf("startDebug on a bad address = %v, want a debug listener error", err)
	}
	stop, err := startDebug("", logger)
	if err != nil {
		t.Fatalf("startDebug with no address = %v, want nothing served", err)
	}
	stop()
}
