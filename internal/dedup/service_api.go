package dedup

// Result is the answer to an ingest or a dry-run check.
type Result struct {
	Article *Article // as stored; for a dry run, the input with ID 0
	Created bool     // a new article was stored
	Updated bool     // a stored article was replaced by a changed body or a higher version
	Cluster *Cluster // the article's cluster; for a dry run, the cluster it would join (nil if none)
	Matches []Match  // verified links of the article, strongest first (partial reuse included)
}

// Match is one verified link from the article in question to another.
type Match struct {
	ArticleID int64
	ClusterID int64
	Relation  Relation
	Score     float64
	Similarity
}

// Similarity holds the measures a relation is decided from.
type Similarity struct {
	Jaccard         float64 // matched words over the words of both (page furniture left out)
	ContainmentA    float64 // share of A's words that B matches (page furniture left out)
	ContainmentB    float64 // share of B's words that A matches (page furniture left out)
	SimHashDistance int     // Hamming distance of the SimHashes
}

// BatchItem is the outcome of one article of a batch ingest.
type BatchItem struct {
	Result *Result
	Err    error
}

// Passage is a stretch of text that two articles share, as rune offsets
// [Start, End) into each article's body as it was submitted.
type Passage struct {
	AStart, AEnd int
	BStart, BEnd int
	Text         string // the passage as it reads in A
}

// Comparison explains the relation between two stored articles.
type Comparison struct {
	A, B     int64
	Relation Relation // empty when they are not related
	Score    float64
	Similarity
	Passages []Passage
}
