package store

// Option configures Open or OpenEmbedded.
type Option func(*options)

type options struct {
	subscribers []string
	maxConns    int32
	// genericPlans: see WithGenericPlans.
	genericPlans bool
	// copyPostingsAbove overrides defaultCopyPostingsAbove when not 0
	// (tests set -1 to take the COPY path always).
	copyPostingsAbove int
}

func applyOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithSubscribers names the webhook subscribers. InsertEvents writes one
// outbox row per event and subscriber; with no subscribers it writes nothing.
func WithSubscribers(names []string) Option {
	return func(o *options) { o.subscribers = append([]string(nil), names...) }
}

// WithMaxConns caps the Postgres connection pool (pgxpool's default applies
// when n <= 0, as does a pool_max_conns parameter in the URL). The embedded
// store ignores it.
func WithMaxConns(n int32) Option {
	return func(o *options) { o.maxConns = n }
}

// WithGenericPlans has Postgres plan each of the store's statements once per
// connection and reuse that plan (plan_cache_mode = force_generic_plan),
// unless the URL sets plan_cache_mode itself. Its statements take their
// rows by key or from unnest of their arrays, so a plan made without the
// parameters' values serves as well; by default Postgres re-plans several
// of them on every call, which cost a POST about a tenth of its Postgres time
// (docs/BENCHMARKS.md, "One plan per statement"). The embedded store
// ignores it.
func WithGenericPlans() Option {
	return func(o *options) { o.genericPlans = true }
}
