package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes builds the whole router. Every route is here, and each must also be
// in api/openapi.yaml: TestRoutesMatchSpec holds the two together.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()

	// The order matters:
	//  1. RequestID first, so that everything below can log the id.
	//  2. clientIP before the access log, which records it.
	//  3. accessLog wraps everything below it, so it sees the final status
	//     of a recovered panic and of a timed-out request.
	//  4. recoverer inside the access log: a panic becomes a logged 500.
	//  5. timeout last: it bounds the handler, not the logging around it.
	r.Use(
		middleware.RequestID,
		s.clientIP(),
		s.accessLog,
		s.recoverer,
		s.timeout,
	)
	r.NotFound(s.handle(handleNotFound))
	r.MethodNotAllowed(s.handle(handleMethodNotAllowed))

	r.Get("/healthz", s.handle(s.handleGetHealth))
	r.Get("/readyz", s.handle(s.handleGetReadiness))
	r.Method(http.MethodGet, "/metrics", s.metrics.handler())

	r.Get("/v1/articles/{id}", s.handle(s.handleGetArticle))
	r.Get("/v1/articles/{id}/matches", s.handle(s.handleListMatches))
	r.Get("/v1/articles/{a}/compare/{b}", s.handle(s.handleCompareArticles))
	r.Get("/v1/clusters/{id}", s.handle(s.handleGetCluster))

	// The ingest hook authenticates each request by its Standard Webhooks
	// signature instead of the token, which newsroom systems cannot send.
	r.Post("/v1/hooks/ingest", s.handle(s.handleIngestHook))

	r.Group(func(r chi.Router) {
		// Check stores nothing but costs as much as an ingest, so every
		// other POST and DELETE is behind the token; so is the event log,
		// which shows what subscribers were sent.
		r.Use(s.requireToken)
		r.Post("/v1/articles", s.handle(s.handleCreateArticle))
		// A colon after a static segment is a literal in chi (only "{" and
		// "*" are special), so these are plain static routes.
		r.Post("/v1/articles:check", s.handle(s.handleCheckArticle))
		r.Post("/v1/articles:batch", s.handle(s.handleCreateArticles))
		r.Delete("/v1/articles/{id}", s.handle(s.handleDeleteArticle))
		r.Get("/v1/events", s.handle(s.handleListEvents))
		r.Post("/v1/events/{id}/redeliver", s.handle(s.handleRedeliverEvent))
	})
	return r
}
