package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the HTTP server.
const (
	// readHeaderTimeout stops clients that trickle their headers (slowloris).
	readHeaderTimeout = 5 * time.Second
	// readTimeout bounds reading a whole request: a 64 MiB batch at 20 Mbit/s.
	readTimeout = 30 * time.Second
	// requestTimeout bounds a handler; a full batch of 500 takes seconds.
	requestTimeout = 30 * time.Second
	// writeTimeout runs from the end of the headers to the end of the
	// response, so it leaves room after requestTimeout to write the 503 of
	// a request that ran out of time.
	writeTimeout = requestTimeout + 10*time.Second
	// idleTimeout closes keep-alive connections nobody uses.
	idleTimeout = 2 * time.Minute
	// shutdownTimeout is how long in-flight requests get to finish after
	// SIGTERM. They normally take well under a second, and orchestrators
	// kill the process soon anyway (docker stop after 10 s, Kubernetes
	// after 30 s), so waiting longer would gain nothing.
	shutdownTimeout = 10 * time.Second
)

// serve answers on addr with h until ctx is done, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish for up to
// shutdownTimeout, and returns.
func serve(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	// Listening before serving lets the log say which port ":0" got.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout)
	// ctx is already done; the shutdown needs a deadline of its own.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still running lose their connections.
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}
