package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// Metrics holds the service's Prometheus metrics in a registry of its own
// (not the global one, so that tests and several servers in one process do
// not collide). The handlers observe requests and results; whoever runs
// matching reports candidates through ObserveQuery and the time of each
// step through ObserveSteps.
type Metrics struct {
	registry        *prometheus.Registry
	requestDuration *prometheus.HistogramVec
	articlesStored  prometheus.Counter
	candidates      prometheus.Histogram
	verifications   *prometheus.CounterVec
	matches         prometheus.Histogram
	clusterSize     prometheus.Histogram
	admissionWait   prometheus.Histogram
	ingestGroup     prometheus.Histogram
	ingestQueue     prometheus.Histogram
	steps           *prometheus.HistogramVec
}

// NewMetrics returns Metrics registered in a new registry, together with
// the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "newsdedup_http_request_duration_seconds",
			Help:    "Latency of HTTP requests by route pattern, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
		articlesStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdedup_articles_stored_total",
			Help: "Articles stored as new (not counting repeats and updates).",
		}),
		candidates: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_candidates_per_query",
			Help:    "Candidates verified per matched article.",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 100, 200},
		}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsdedup_verifications_total",
			Help: "Candidate verifications by outcome (pass: a link was found); the pass rate is pass / (pass + fail).",
		}, []string{"outcome"}),
		matches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_matches_per_query",
			Help:    "Verified links per ingested or checked article.",
			Buckets: []float64{0, 1, 2, 3, 5, 10, 20, 50},
		}),
		clusterSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_cluster_size",
			Help:    "Size of the cluster an ingested article ends up in.",
			Buckets: []float64{1, 2, 3, 5, 10, 20, 50, 100, 500},
		}),
		admissionWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_admission_wait_seconds",
			Help:    "Time a matching request waited for one of the slots that bound how many match at once.",
			Buckets: []float64{0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}),
		ingestGroup: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_ingest_group_size",
			Help:    "Articles per store round of single ingests: 1 when a call went alone, more when calls that arrived together went as one batch.",
			Buckets: []float64{1, 2, 3, 4, 6, 8, 12, 16},
		}),
		ingestQueue: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "newsdedup_ingest_queue_wait_seconds",
			Help:    "Time a single ingest waited for an ingest runner before it went to the store, alone or in a batch (about 0 when a runner was free).",
			Buckets: []float64{0.0001, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}),
		steps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "newsdedup_step_duration_seconds",
			Help: "Wall time of each step of an ingest (one article or a batch) or a check, waits included: " +
				"store, candidates, profiles, verify, composites, lock_wait (for the cluster locks), clusters (under them, to the commit), results.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"op", "step"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requestDuration, m.articlesStored, m.candidates, m.verifications, m.matches, m.clusterSize, m.admissionWait,
		m.ingestGroup, m.ingestQueue, m.steps,
	)
	return m
}

// ObserveQuery records one matching query: how many candidates were
// verified and how many of them passed.
func (m *Metrics) ObserveQuery(candidates, verified int) {
	m.candidates.Observe(float64(candidates))
	m.verifications.WithLabelValues("pass").Add(float64(verified))
	m.verifications.WithLabelValues("fail").Add(float64(candidates - verified))
}

// ObserveSteps records the time one ingest or check spent in each step it
// took.
func (m *Metrics) ObserveSteps(op string, t dedup.StepTimes) {
	for step, d := range t {
		if d > 0 {
			m.steps.WithLabelValues(op, dedup.Step(step).String()).Observe(d.Seconds())
		}
	}
}

// WatchProfileCache exports the counts of stats (the service's profile
// cache) as newsdedup_profile_cache_lookups_total by result, read at
// each scrape. Call it once.
func (m *Metrics) WatchProfileCache(stats func() dedup.ProfileCacheStats) {
	const name, help = "newsdedup_profile_cache_lookups_total",
		"Lookups of stored candidate profiles by result (hit: served decoded from the cache; miss: decoded)."
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: prometheus.Labels{"result": "hit"}},
			func() float64 { return float64(stats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: prometheus.Labels{"result": "miss"}},
			func() float64 { return float64(stats().Misses) }),
	)
}

// Register adds collectors of the process's other parts (such as the
// database's connection pool) to the registry that /metrics serves.
func (m *Metrics) Register(cs ...prometheus.Collector) {
	m.registry.MustRegister(cs...)
}

func (m *Metrics) observeAdmission(d time.Duration) {
	m.admissionWait.Observe(d.Seconds())
}

func (m *Metrics) observeIngestGroup(n int) {
	m.ingestGroup.Observe(float64(n))
}

func (m *Metrics) observeIngestQueue(d time.Duration) {
	m.ingestQueue.Observe(d.Seconds())
}

func (m *Metrics) observeRequest(route, method string, status int, d time.Duration) {
	m.requestDuration.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

// observeResult records an ingest result. A dry run (stored false) counts
// its matches but neither stores nor joins a cluster.
func (m *Metrics) observeResult(res *dedup.Result, stored bool) {
	m.matches.Observe(float64(len(res.Matches)))
	if !stored {
		return
	}
	if res.Created {
		m.articlesStored.Inc()
	}
	if res.Cluster != nil {
		m.clusterSize.Observe(float64(len(res.Cluster.Members)))
	}
}

func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
