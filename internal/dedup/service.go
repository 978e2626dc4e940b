package dedup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Service fingerprints articles, finds and verifies their matches through a
// Store, and keeps story clusters up to date.
type Service struct {
	store    Store
	opts     Options
	now      func() time.Time
	profiles *profileCache
}

// NewService returns a Service over st. Zero fields of opts take their defaults.
func NewService(st Store, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{store: st, opts: opts, now: func() time.Time { return time.Now().UTC() }, profiles: newProfileCache(opts.ProfileCacheBytes)}
}

// Options returns the options in force, defaults filled in.
func (s *Service) Options() Options { return s.opts }

// Prepared is a validated article with its fingerprint, ready to be stored.
// Preparing is pure computation, so callers may prepare in parallel.
type Prepared struct {
	article *Article
	fp      *Fingerprint
	prof    *profile
}

// Fingerprint returns the prepared article's fingerprint.
func (p *Prepared) Fingerprint() *Fingerprint { return p.fp }

// Field limits of ArticleInput.
const (
	maxIDLen    = 512
	maxTitleLen = 4096
	maxURLLen   = 8192
)

// Prepare validates an article and computes its fingerprint. Errors are
// *ValidationError.
func Prepare(in ArticleInput) (*Prepared, error) {
	if err := validate(&in); err != nil {
		return nil, err
	}
	_, fp, prof := analyze(in.Body, in.Format)
	if fp.Tokens == 0 {
		return nil, &ValidationError{Field: "body", Message: "has no words to match"}
	}
	a := &Article{
		ExternalID: in.ExternalID, URL: in.URL, Title: in.Title, Body: in.Body, Format: in.Format,
		Source: in.Source, PublishedAt: in.PublishedAt.UTC(), Language: in.Language, Version: in.Version,
	}
	if in.PublishedAt.IsZero() {
		a.PublishedAt = time.Time{}
	}
	return &Prepared{article: a, fp: fp, prof: prof}, nil
}

func validate(in *ArticleInput) error {
	if in.Format == "" {
		in.Format = FormatText
	}
	checks := []struct {
		field string
		value string
		max   int
	}{
		{"external_id", in.ExternalID, maxIDLen}, {"source", in.Source, maxIDLen},
		{"language", in.Language, 64}, {"title", in.Title, maxTitleLen}, {"url", in.URL, maxURLLen},
		{"body", in.Body, -1},
	}
	for _, c := range checks {
		if !utf8.ValidString(c.value) {
			return &ValidationError{Field: c.field, Message: "is not valid UTF-8"}
		}
		if c.max > 0 && len(c.value) > c.max {
			return &ValidationError{Field: c.field, Message: fmt.Sprintf("is longer than %d bytes", c.max)}
		}
	}
	switch {
	case strings.TrimSpace(in.Body) == "":
		return &ValidationError{Field: "body", Message: "is required"}
	case in.Format != FormatText && in.Format != FormatHTML:
		return &ValidationError{Field: "format", Message: `must be "text" or "html"`}
	case in.Version < 0:
		return &ValidationError{Field: "version", Message: "must not be negative"}
	}
	return nil
}

// Ingest stores an article (or finds the stored one with the same source and
// external id), matches it against the stored articles and updates clusters.
func (s *Service) Ingest(ctx context.Context, in ArticleInput) (*Result, error) {
	p, err := Prepare(in)
	if err != nil {
		return nil, err
	}
	items, err := s.IngestPrepared(ctx, []*Prepared{p}, true)
	if err != nil {
		return nil, err
	}
	return items[0].Result, items[0].Err
}

// IngestBatch ingests articles in order with the same decisions Ingest would
// make one at a time, writing them in bulk. A per-item error (invalid input)
// is reported in its item; the error return is for store failures.
func (s *Service) IngestBatch(ctx context.Context, in []ArticleInput) ([]BatchItem, error) {
	items := make([]BatchItem, len(in))
	var ps []*Prepared
	var at []int
	for i, a := range in {
		p, err := Prepare(a)
		if err != nil {
			items[i].Err = err
			continue
		}
		ps = append(ps, p)
		at = append(at, i)
	}
	got, err := s.IngestPrepared(ctx, ps, true)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		items[i] = got[j]
	}
	return items, nil
}

// GetArticle returns a stored article.
func (s *Service) GetArticle(ctx context.Context, id int64) (*Article, error) {
	return s.store.GetArticle(ctx, id)
}

// GetArticleByExternalID returns the article stored under a source and
// external id.
func (s *Service) GetArticleByExternalID(ctx context.Context, source, externalID string) (*Article, error) {
	return s.store.GetArticleByExternalID(ctx, source, externalID)
}

// GetCluster returns a cluster with its members.
func (s *Service) GetCluster(ctx context.Context, id int64) (*Cluster, error) {
	return s.store.GetCluster(ctx, id)
}

// Check answers as Ingest would, without storing anything. Zero fields of th
// take the service's thresholds.
func (s *Service) Check(ctx context.Context, in ArticleInput, th Thresholds) (*Result, error) {
	p, err := Prepare(in)
	if err != nil {
		return nil, err
	}
	th = s.thresholds(th)
	clock := newStepClock()
	cands, err := s.matchesOf(ctx, 0, p.fp, p.prof, th, clock)
	if err != nil {
		return nil, err
	}
	res := &Result{Article: p.article, Matches: toMatches(cands, nil)}
	for _, c := range cands {
		if c.relation.Clusters() {
			if res.Cluster, err = s.store.GetCluster(ctx, c.stored.ClusterID); err != nil {
				return nil, fmt.Errorf("get cluster: %w", err)
			}
			break
		}
	}
	clock.lap(StepResults)
	s.observeSteps("check", clock)
	return res, nil
}

// ListMatches re-verifies a stored article against its candidates with the
// given thresholds (zero fields take the defaults), without changing anything.
func (s *Service) ListMatches(ctx context.Context, id int64, th Thresholds) ([]Match, error) {
	fps, err := s.store.ListFingerprints(ctx, []int64{id})
	if err != nil {
		return nil, fmt.Errorf("list fingerprints: %w", err)
	}
	if len(fps) == 0 {
		return nil, fmt.Errorf("article %d: %w", id, ErrNotFound)
	}
	p, err := s.profileOf(fps[0].ArticleID, &fps[0].Fingerprint)
	if err != nil {
		return nil, err
	}
	fp := fingerprintProfile(p)
	cands, err := s.matchesOf(ctx, id, fp, p, s.thresholds(th), nil)
	if err != nil {
		return nil, err
	}
	return toMatches(cands, nil), nil
}

func (s *Service) thresholds(th Thresholds) Thresholds {
	d := s.opts.Thresholds
	if th.Copy == 0 {
		th.Copy = d.Copy
	}
	if th.Rewrite == 0 {
		th.Rewrite = d.Rewrite
	}
	if th.Partial == 0 {
		th.Partial = d.Partial
	}
	return th
}

// matchesOf finds, verifies and resolves the candidates of one article;
// clock (nil: none) times its steps.
func (s *Service) matchesOf(ctx context.Context, self int64, fp *Fingerprint, p *profile, th Thresholds, clock *stepClock) ([]candidate, error) {
	cands, err := s.findCandidates(ctx, self, fp, p, 0, th, clock)
	if err != nil {
		return nil, err
	}
	if err := s.resolveComposites(ctx, []compositeCheck{{self: dated{id: self}, p: p, cands: cands}}, th); err != nil {
		return nil, err
	}
	clock.lap(StepComposites)
	return cands, nil
}

// toMatches reports the linked candidates, strongest first. clusterOf, when
// given, has the clusters as they are after attaching.
func toMatches(cands []candidate, clusterOf map[int64]int64) []Match {
	var out []Match
	for _, c := range cands {
		if c.relation == "" {
			continue
		}
		cid := c.stored.ClusterID
		if id, ok := clusterOf[c.stored.ArticleID]; ok {
			cid = id
		}
		out = append(out, Match{
			ArticleID: c.stored.ArticleID, ClusterID: cid, Relation: c.relation, Score: c.score,
			Similarity: c.m.similarity(0, 0),
		})
	}
	return out
}

// DeleteArticle removes an article from every index; its cluster picks a new
// canonical or splits where the article held it together.
func (s *Service) DeleteArticle(ctx context.Context, id int64) error {
	return s.store.LockClusters(ctx, []int64{id}, func(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64) error {
		cid, ok := clusterOf[id]
		if !ok {
			return fmt.Errorf("article %d: %w", id, ErrNotFound)
		}
		// The article goes first, so that its cluster no longer counts it
		// when the rest regroups (a cluster with members cannot be deleted).
		if err := tx.DeleteArticle(ctx, id); err != nil {
			return err
		}
		delete(clusterOf, id)
		events, err := s.regroup(ctx, tx, clusterOf, cid, true)
		if err != nil {
			return err
		}
		if s.opts.EmitEvents {
			events = append(events, Event{Type: EventArticleRemoved, ArticleID: id, ClusterID: cid, Members: []int64{}, OccurredAt: s.now()})
		}
		return tx.InsertEvents(ctx, events)
	})
}

func sortedIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
