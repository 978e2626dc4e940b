// Package httpapi is the HTTP face of newsdedup: the chi router, its
// middleware, and the handlers that turn JSON requests into calls on the
// dedup service and its results back into JSON, as api/openapi.yaml specifies.
//
// It depends on dedup only through the small interfaces declared here; the
// store is wired in by cmd/server and never imported.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// ArticleService is what the handlers need of the dedup service;
// *dedup.Service implements it. Methods return errors wrapping
// dedup.ErrNotFound, dedup.ErrInvalid (or a *dedup.ValidationError),
// dedup.ErrConflict or dedup.ErrUnavailable where those apply.
type ArticleService interface {
	// Ingest stores an article, or finds the stored one with the same source
	// and external id, and matches it.
	Ingest(ctx context.Context, in dedup.ArticleInput) (*dedup.Result, error)
	// IngestBatch ingests articles in order; invalid items fail in their
	// BatchItem, and the error return is for store failures.
	IngestBatch(ctx context.Context, in []dedup.ArticleInput) ([]dedup.BatchItem, error)
	// Check answers as Ingest would without storing anything.
	Check(ctx context.Context, in dedup.ArticleInput, th dedup.Thresholds) (*dedup.Result, error)
	// GetArticle returns a stored article or ErrNotFound.
	GetArticle(ctx context.Context, id int64) (*dedup.Article, error)
	// ListMatches re-verifies a stored article with the given thresholds;
	// ErrNotFound if it does not exist.
	ListMatches(ctx context.Context, id int64, th dedup.Thresholds) ([]dedup.Match, error)
	// GetCluster returns a cluster with its members or ErrNotFound.
	GetCluster(ctx context.Context, id int64) (*dedup.Cluster, error)
	// Compare explains how two stored articles relate; ErrNotFound if
	// either does not exist.
	Compare(ctx context.Context, a, b int64) (*dedup.Comparison, error)
	// DeleteArticle removes an article from every index or returns ErrNotFound.
	DeleteArticle(ctx context.Context, id int64) error
	// GetArticleByExternalID returns the article stored under a source and
	// external id, or ErrNotFound.
	GetArticleByExternalID(ctx context.Context, source, externalID string) (*dedup.Article, error)
}

// Pinger reports whether the store is reachable; /readyz calls it.
type Pinger interface {
	// Ping returns nil when the store answers.
	Ping(ctx context.Context) error
}

// Config holds the settings of the HTTP layer. Zero fields take the defaults
// documented on each.
type Config struct {
	// APIToken, when set, is required as "Authorization: Bearer <token>"
	// on every write endpoint.
	APIToken string
	// MaxBodyBytes caps a request body, and each article body of a batch
	// (default 2 MiB).
	MaxBodyBytes int64
	// MaxBatchBodyBytes caps the body of a batch request (default 64 MiB).
	MaxBatchBodyBytes int64
	// TrustedProxies are the CIDR prefixes of the reverse proxies in front
	// of the server. When set, the client IP is read from X-Forwarded-For
	// past those hops; otherwise it is the TCP peer.
	TrustedProxies []string
	// RequestTimeout bounds each request (default 30s).
	RequestTimeout time.Duration
	// ReadyTimeout bounds the store ping of /readyz (default 2s).
	ReadyTimeout time.Duration
	// MaxInFlight bounds the requests that match at once (ingest, check,
	// batch, the ingest hook, matches and compare); the others wait for a
	// slot in arrival order, until their deadline. Zero means
	// DefaultMaxInFlight, negative no bound.
	MaxInFlight int
	// IngestRunners bounds the single-article ingests (POST /v1/articles,
	// the ingest hook) that go to the store at once; those that arrive
	// meanwhile wait and go together as one batch. Zero means
	// DefaultIngestRunners, negative no grouping (each goes alone).
	IngestRunners int

	// HookVerifier checks the signatures of POST /v1/hooks/ingest. Without
	// it, or without HookReceipts, the hook answers 404.
	HookVerifier *webhooks.Verifier
	// HookReceipts remembers the hook's answers by webhook-id.
	HookReceipts HookReceipts
	// HookMaxBodyBytes caps an ingest hook request (default 1 MiB).
	HookMaxBodyBytes int64
	// Events lists and redelivers outbound events; without it the event
	// endpoints answer 404.
	Events EventLog
}

// Defaults for the zero fields of Config.
const (
	DefaultMaxBodyBytes      = 2 << 20
	DefaultMaxBatchBodyBytes = 64 << 20
	DefaultRequestTimeout    = 30 * time.Second
	DefaultReadyTimeout      = 2 * time.Second
	DefaultHookMaxBodyBytes  = 1 << 20
)

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxBatchBodyBytes == 0 {
		c.MaxBatchBodyBytes = DefaultMaxBatchBodyBytes
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.ReadyTimeout == 0 {
		c.ReadyTimeout = DefaultReadyTimeout
	}
	if c.HookMaxBodyBytes == 0 {
		c.HookMaxBodyBytes = DefaultHookMaxBodyBytes
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight()
	}
	if c.IngestRunners == 0 {
		c.IngestRunners = DefaultIngestRunners()
	}
	return c
}

// Server serves the newsdedup HTTP API. It is an http.Handler.
type Server struct {
	articles ArticleService
	pinger   Pinger
	metrics  *Metrics
	logger   *slog.Logger
	cfg      Config
	router   http.Handler
	now      func() time.Time // the clock webhook timestamps are checked against
}

// NewServer returns a Server that answers with svc, reports readiness with
// p, records into m and logs to logger. It panics if a trusted proxy prefix
// is invalid: cmd/server validates them first.
func NewServer(svc ArticleService, p Pinger, m *Metrics, logger *slog.Logger, cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		// A batch of grouped ingests takes one admission slot.
		articles: group(admit(svc, cfg.MaxInFlight, m.observeAdmission), cfg.IngestRunners, m.observeIngestGroup, m.observeIngestQueue),
		pinger:   p,
		metrics:  m,
		logger:   logger,
		cfg:      cfg,
		now:      time.Now,
	}
	s.router = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}
