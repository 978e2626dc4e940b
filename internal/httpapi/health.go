package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

type statusJSON struct {
	Status string `json:"status"`
}

// handleGetHealth says the process is up. It never touches the store, so
// that a store outage does not get the process restarted.
func (s *Server) handleGetHealth(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, statusJSON{Status: "ok"})
}

// handleGetReadiness says whether the store answers within a short timeout,
// so that a load balancer stops sending traffic while it does not.
func (s *Server) handleGetReadiness(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.pinger.Ping(ctx); err != nil {
		// Whatever the cause, the answer is "not ready, retry later".
		return fmt.Errorf("ping store: %w: %w", dedup.ErrUnavailable, err)
	}
	return writeJSON(w, http.StatusOK, statusJSON{Status: "ok"})
}
