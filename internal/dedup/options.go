package dedup

// Thresholds decide a relation from a pair's similarity scores. A zero field
// means "use the default".
//
// A score is the share of an article's words that the other article
// accounts for: every word but those in unmatched runs of 20 words or more.
// Words match word for word (inside a shared 4-word shingle) or as reworded
// text (inside a shared run of 6 stopwords, whatever content words stand
// between them). The better-explained article of a pair decides.
type Thresholds struct {
	// Copy is the least score for a copy (default 0.8); 95% of the matched
	// words must match word for word.
	Copy float64
	// Rewrite is the least score for a rewrite (default 0.8).
	Rewrite float64
	// Partial is the least score for partial reuse (default 0.25). The
	// default keeps links between independent articles on one event (which
	// share quotes and agency paragraphs) to about 0.5% of such pairs on the
	// wikiref220 corpus.
	Partial float64
}

// Options tunes matching. A zero field means "use the default".
type Options struct {
	Thresholds
	// MaxCandidates bounds how many candidates are verified per article.
	MaxCandidates int
	// MaxPostings bounds how many articles one candidate key may bring in
	// (default 64): the newest ones. A key that has that many is common
	// (a stock phrase, a crowded LSH bucket), and an article sharing only
	// that one key with the query is not a candidate (see RankCandidates).
	// Copies of a story share dozens of keys, so a story republished
	// hundreds of times is still found through its newest copies.
	MaxPostings int
	// ProfileCacheBytes bounds the memory of the decoded candidate profiles
	// kept between queries (default 64 MiB; negative: keep none), so that
	// a stored article that comes up again as a candidate while it is held
	// is not decoded again.
	ProfileCacheBytes int64
	// EmitEvents writes cluster events to the outbox.
	EmitEvents bool
	// Observer, when set, is told about every matching query and the
	// steps of every ingest and check.
	Observer Observer
}

// Observer receives matching statistics, for metrics.
type Observer interface {
	// ObserveQuery reports one article's matching: how many candidates the
	// keys brought in and how many of them verified as a link.
	ObserveQuery(candidates, verified int)
	// ObserveSteps reports the time one call spent in each step; op is
	// "ingest" (one article or a batch) or "check".
	ObserveSteps(op string, t StepTimes)
}

// ProfileCacheMiB returns the ProfileCacheBytes of a budget of mb MiB,
// where 0 means none (as a command-line setting reads), not the default.
func ProfileCacheMiB(mb int) int64 {
	if mb <= 0 {
		return -1
	}
	return int64(mb) << 20
}

func (o Options) withDefaults() Options {
	if o.MaxCandidates == 0 {
		o.MaxCandidates = 50
	}
	if o.MaxPostings == 0 {
		o.MaxPostings = 64
	}
	if o.ProfileCacheBytes == 0 {
		o.ProfileCacheBytes = 64 << 20
	}
	o.Thresholds = o.Thresholds.withDefaults()
	return o
}

func (t Thresholds) withDefaults() Thresholds {
	if t.Copy == 0 {
		t.Copy = 0.8
	}
	if t.Rewrite == 0 {
		t.Rewrite = 0.8
	}
	if t.Partial == 0 {
		t.Partial = 0.25
	}
	return t
}
