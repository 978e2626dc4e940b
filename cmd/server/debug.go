package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
)

// debugHandler serves the runtime profiles of net/http/pprof under
// /debug/pprof/: CPU, heap, goroutines, mutexes, execution traces. It is
// never on the API's listener: profiles show the process's internals and
// a CPU profile keeps a core busy for as long as it is asked to.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startDebug listens on addr and serves debugHandler, and returns once
// listening (so that a bad address stops the start) with the function
// that stops it. An empty addr serves nothing.
func startDebug(addr string, logger *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("debug listener: %w", err)
	}
	// No write timeout: a CPU profile or a trace answers after the
	// seconds it was asked for.
	srv := &http.Server{
		Handler:           debugHandler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("debug listener", "error", err)
		}
	}()
	logger.Info("debug listener", "addr", ln.Addr().String(), "profiles", "/debug/pprof/")
	return func() {
		// Profiles in progress are cut short: the server is stopping.
		_ = srv.Close()
		<-done
	}, nil
}
