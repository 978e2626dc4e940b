package dedup

import "time"

// Format says how an article body is encoded.
type Format string

// Body formats.
const (
	FormatText Format = "text"
	FormatHTML Format = "html"
)

// Relation is the kind of a verified link between two articles.
type Relation string

// Relations, strongest first. Exact, Copy and Rewrite put two articles in one
// cluster; Partial is reported as a link only and never merges clusters.
const (
	RelationExact   Relation = "exact"   // same normalized text
	RelationCopy    Relation = "copy"    // the same story republished: trimmed, boilerplate, light edits
	RelationRewrite Relation = "rewrite" // the same story reworded: spun, translated back, paraphrased
	RelationPartial Relation = "partial" // a different story that reuses some passages
)

// Clusters reports whether a relation joins two articles into one story family.
func (r Relation) Clusters() bool {
	return r == RelationExact || r == RelationCopy || r == RelationRewrite
}

// ArticleInput is an article as a client submits it.
type ArticleInput struct {
	ExternalID  string
	URL         string
	Title       string
	Body        string
	Format      Format
	Source      string
	PublishedAt time.Time // zero when unknown
	Language    string
	// Version orders revisions of one (Source, ExternalID), as ninjs "version"
	// does: a higher version replaces the stored article, a lower one is
	// ignored. Zero means unversioned: a changed body replaces the stored one.
	Version int64
}

// Article is a stored article.
type Article struct {
	ID          int64
	ExternalID  string
	URL         string
	Title       string
	Body        string
	Format      Format
	Source      string
	PublishedAt time.Time // zero when unknown
	Language    string
	Version     int64
	IngestedAt  time.Time
	ClusterID   int64
	// Matched is false between the commit of the insert and the commit of
	// its cluster assignment; an article left unmatched by a crash is matched
	// again the next time it is submitted.
	Matched bool
}

// Link is a verified relation between two stored articles. A is the article
// that was being matched (usually the newer one), B the stored one it matched.
type Link struct {
	A, B     int64
	Relation Relation
	Score    float64 // in [0,1]; higher is more similar
}

// Member is one article of a cluster with the link through which it belongs.
type Member struct {
	ArticleID   int64
	PublishedAt time.Time
	IngestedAt  time.Time
	// Via is the member this one is attached to (0 for the canonical), and
	// Relation and Score describe that link.
	Via      int64
	Relation Relation
	Score    float64
}

// Cluster is a story family: an original with its copies and rewrites.
type Cluster struct {
	ID          int64
	CanonicalID int64
	Members     []Member
	UpdatedAt   time.Time
}
