package dedup

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// pending is one article of a batch on its way through IngestPrepared.
type pending struct {
	p       *Prepared
	article *Article // as stored
	created bool
	updated bool
	match   bool // needs matching and attaching
	cands   []candidate
}

// IngestPrepared stores prepared articles in one transaction, then matches
// each against what was stored before it (batch-mates that come later are
// left out, so a batch decides as one-at-a-time ingest would) and attaches
// them all in one cluster transaction. withClusters fills Result.Cluster.
// Every insert commits before its matching searches, so two copies posted
// at once through different connections always see each other, and
// LockClusters serializes the cluster changes they make.
func (s *Service) IngestPrepared(ctx context.Context, ps []*Prepared, withClusters bool) ([]BatchItem, error) {
	mb, err := s.StoreAndMatch(ctx, ps)
	if err != nil {
		return nil, err
	}
	return s.Attach(ctx, mb, withClusters)
}

// MatchedBatch is a batch that StoreAndMatch has stored and matched,
// waiting for Attach.
type MatchedBatch struct {
	batch []*pending
	clock *stepClock
}

// StoreAndMatch is the first half of IngestPrepared: it stores the batch
// and matches each article against what was stored before it. Matching
// reads the candidates' clusters (a passage is recurring furniture when
// candidates of many stories carry it), which Attach changes: to decide
// as one-at-a-time ingest does, call it only once the previous batch's
// Attach has returned. A bulk loader may read and fingerprint the next
// batch meanwhile, and store it (StoreBatch, then Match).
func (s *Service) StoreAndMatch(ctx context.Context, ps []*Prepared) (*MatchedBatch, error) {
	if len(ps) == 0 {
		return &MatchedBatch{}, nil
	}
	clock := newStepClock()
	batch, err := s.insert(ctx, ps)
	if err != nil {
		return nil, err
	}
	clock.lap(StepStore)
	if err := s.matchBatch(ctx, batch, nil, clock); err != nil {
		return nil, err
	}
	return &MatchedBatch{batch: batch, clock: clock}, nil
}

// StoredBatch is a batch that StoreBatch has stored, waiting for Match.
type StoredBatch struct {
	batch []*pending
	found map[int][]Candidate // by place in batch: the new articles' candidates
	clock *stepClock
}

// StoreBatch stores the new articles of a batch, as StoreAndMatch does
// first, and looks up their candidates, and nothing else: it changes no
// cluster and no article stored before, and candidates depend on neither,
// so a bulk loader may call it while the previous batch's Attach runs.
// Match then does the rest of StoreAndMatch.
func (s *Service) StoreBatch(ctx context.Context, ps []*Prepared) (*StoredBatch, error) {
	if len(ps) == 0 {
		return &StoredBatch{}, nil
	}
	clock := newStepClock()
	batch, err := s.insertNew(ctx, ps)
	if err != nil {
		return nil, err
	}
	clock.lap(StepStore)
	var idx []int
	for i, b := range batch {
		if b.created {
			idx = append(idx, i)
		}
	}
	found, err := s.listCandidates(ctx, batch, idx)
	if err != nil {
		return nil, err
	}
	clock.lap(StepCandidates)
	return &StoredBatch{batch: batch, found: found, clock: clock}, nil
}

// Match finishes StoreAndMatch for a batch that StoreBatch stored: it
// replaces the stored articles that the batch revises (read afresh: an
// Attach may have changed them since), then matches the batch. Call it
// only once the previous batch's Attach has returned.
func (s *Service) Match(ctx context.Context, sb *StoredBatch) (*MatchedBatch, error) {
	found, clock := sb.found, sb.clock
	clock.restart()
	for _, b := range sb.batch {
		if b.created {
			continue
		}
		got, err := s.store.GetArticle(ctx, b.article.ID)
		if err != nil {
			return nil, fmt.Errorf("get article: %w", err)
		}
		b.article, b.match = got, !got.Matched
		if err := s.maybeReplace(ctx, b); err != nil {
			return nil, err
		}
		if b.updated {
			found = nil // a replaced article has new keys: look up again
		}
	}
	clock.lap(StepStore)
	if err := s.matchBatch(ctx, sb.batch, found, clock); err != nil {
		return nil, err
	}
	return &MatchedBatch{batch: sb.batch, clock: clock}, nil
}

// Attach is the second half of IngestPrepared: it records the links and
// clusters of a matched batch in one cluster transaction.
func (s *Service) Attach(ctx context.Context, mb *MatchedBatch, withClusters bool) ([]BatchItem, error) {
	if len(mb.batch) == 0 {
		return nil, nil
	}
	clock := mb.clock
	clock.restart()
	clusterOf, err := s.attachBatch(ctx, mb.batch, clock)
	if err != nil {
		return nil, err
	}
	items, err := s.results(ctx, mb.batch, clusterOf, withClusters)
	if err != nil {
		return nil, err
	}
	clock.lap(StepResults)
	s.observeSteps("ingest", clock)
	return items, nil
}

func (s *Service) insert(ctx context.Context, ps []*Prepared) ([]*pending, error) {
	batch, err := s.insertNew(ctx, ps)
	if err != nil {
		return nil, err
	}
	for _, b := range batch {
		if !b.created {
			if err := s.maybeReplace(ctx, b); err != nil {
				return nil, err
			}
		}
	}
	return batch, nil
}

// insertNew stores the new articles of a batch; the others' pending
// carries the article as stored.
func (s *Service) insertNew(ctx context.Context, ps []*Prepared) ([]*pending, error) {
	news := make([]NewArticle, len(ps))
	for i, p := range ps {
		news[i] = NewArticle{Article: p.article, Fingerprint: p.fp}
	}
	res, err := s.store.InsertArticles(ctx, news)
	if err != nil {
		return nil, fmt.Errorf("insert articles: %w", err)
	}
	batch := make([]*pending, len(ps))
	for i, r := range res {
		batch[i] = &pending{p: ps[i], article: r.Article, created: r.Created, match: r.Created || !r.Article.Matched}
	}
	return batch, nil
}

// maybeReplace decides what a second submission of a stored article does: a
// higher version, or a changed body of an unversioned article, replaces the
// stored one, and so does the same version of an article whose stored
// fingerprint is of an older FingerprintVersion (it is re-indexed);
// anything else leaves it as it is.
func (s *Service) maybeReplace(ctx context.Context, b *pending) error {
	old, in := b.article, b.p.article
	if in.Version < old.Version {
		return nil
	}
	if in.Version == old.Version {
		fps, err := s.store.ListFingerprints(ctx, []int64{old.ID})
		if err != nil {
			return fmt.Errorf("list fingerprints: %w", err)
		}
		current := len(fps) == 1 && fps[0].Fingerprint.Version == b.p.fp.Version
		if current && (in.Version > 0 || fps[0].Fingerprint.ContentHash == b.p.fp.ContentHash && old.Body == in.Body) {
			return nil
		}
	}
	if err := s.replace(ctx, old.ID, b.p); err != nil {
		return err
	}
	got, err := s.store.GetArticle(ctx, old.ID)
	if err != nil {
		return fmt.Errorf("get article: %w", err)
	}
	b.article, b.updated, b.match = got, true, true
	return nil
}

// replace overwrites a stored article and takes it out of its cluster and
// links, leaving it alone in a new cluster, to be matched again.
func (s *Service) replace(ctx context.Context, id int64, p *Prepared) error {
	return s.store.LockClusters(ctx, []int64{id}, func(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64) error {
		old, ok := clusterOf[id]
		if !ok {
			return fmt.Errorf("article %d: %w", id, ErrNotFound)
		}
		if err := tx.DeleteLinks(ctx, id); err != nil {
			return err
		}
		a := *p.article
		a.ID = id
		if err := tx.ReplaceArticle(ctx, &a, p.fp); err != nil {
			return err
		}
		// Move the article to a cluster of its own first, then regroup what
		// it leaves behind.
		cid, err := tx.InsertCluster(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.SetMembers(ctx, cid, []Member{{ArticleID: id}}); err != nil {
			return err
		}
		if err := tx.UpdateCluster(ctx, cid, id, 1); err != nil {
			return err
		}
		clusterOf[id] = cid
		events, err := s.regroup(ctx, tx, clusterOf, old, true)
		if err != nil {
			return err
		}
		return tx.InsertEvents(ctx, events)
	})
}

// listCandidates looks up the candidates of the given articles of a batch,
// by place in the batch, leaving out the batch-mates stored after each
// and anything stored after the batch.
func (s *Service) listCandidates(ctx context.Context, batch []*pending, idx []int) (map[int][]Candidate, error) {
	if len(idx) == 0 {
		return nil, nil
	}
	// The ids stored after each article: a store leaves them out of its
	// candidates (before cutting its posting lists, as one-at-a-time
	// ingest would find them). Articles stored after the batch are left
	// out too: a bulk loader may have stored the next batch already (see
	// StoreBatch).
	after, before := laterIDs(batch), beforeOf(batch)
	queries := make([]CandidateQuery, len(idx))
	for q, i := range idx {
		b := batch[i]
		queries[q] = s.query(b.article.ID, b.p.fp, before)
		queries[q].Later = after[i]
	}
	res, err := s.store.ListCandidates(ctx, queries)
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	found := make(map[int][]Candidate, len(idx))
	for q, i := range idx {
		found[i] = res[q]
	}
	return found, nil
}

// beforeOf returns the id that every article of a batch comes before.
func beforeOf(batch []*pending) int64 {
	before := int64(0)
	for _, b := range batch {
		before = max(before, b.article.ID+1)
	}
	return before
}

// matchBatch finds and verifies the candidates of every article to match,
// leaving out batch-mates that come after it. found holds candidates
// already looked up (see StoreBatch), by place in the batch. clock times
// its steps.
func (s *Service) matchBatch(ctx context.Context, batch []*pending, found map[int][]Candidate, clock *stepClock) error {
	later := map[int64]int{}
	for i, b := range batch {
		later[b.article.ID] = i
	}
	var idx, missing []int
	for i, b := range batch {
		if !b.match {
			continue
		}
		idx = append(idx, i)
		if _, ok := found[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	more, err := s.listCandidates(ctx, batch, missing)
	if err != nil {
		return err
	}
	clock.lap(StepCandidates)
	res := make([][]Candidate, len(idx))
	for q, i := range idx {
		if cs, ok := found[i]; ok {
			res[q] = cs
		} else {
			res[q] = more[i]
		}
	}
	// Candidates are read once for the whole batch: batch-mates share many.
	keep := make([][]Candidate, len(idx))
	var all []int64
	for q, i := range idx {
		for _, c := range res[q] {
			if j, ok := later[c.ArticleID]; !ok || j < i {
				keep[q] = append(keep[q], c)
				all = append(all, c.ArticleID)
			}
		}
	}
	loaded, err := s.loadProfiles(ctx, sortedIDs(all))
	if err != nil {
		return err
	}
	clock.lap(StepProfiles)
	th := s.opts.Thresholds
	// Verification is pure CPU and each article's is independent: spread
	// it over the cores. Recurring furniture is found in batch order, so
	// that a batch-mate is compared without its furniture as it would be
	// once stored.
	parallel(len(idx), func(q int) {
		b := batch[idx[q]]
		b.cands = measureLoaded(b.p.prof, keep[q], loaded)
	})
	var updates []FeaturesUpdate
	again := map[int64]bool{}
	for _, i := range idx {
		b := batch[i]
		b.p.prof.setRecurring(recurringRuns(b.p.prof, b.cands))
		if b.p.prof.recurring == nil {
			continue
		}
		updates = append(updates, FeaturesUpdate{ArticleID: b.article.ID, Features: encodeFeatures(b.p.prof)})
		if sp, ok := loaded[b.article.ID]; ok {
			sp.prof.setRecurring(b.p.prof.recurring)
			again[b.article.ID] = true
		}
	}
	parallel(len(idx), func(q int) {
		b := batch[idx[q]]
		s.classifyAll(b.p.prof, b.cands, again, th)
	})
	if len(updates) > 0 {
		if err := s.store.UpdateFeatures(ctx, updates); err != nil {
			return fmt.Errorf("update features: %w", err)
		}
	}
	// Composite checks leave out what the candidates left out.
	after, before := laterIDs(batch), beforeOf(batch)
	checks := make([]compositeCheck, len(idx))
	for q, i := range idx {
		b := batch[i]
		checks[q] = compositeCheck{self: dated{b.article.ID, b.article.PublishedAt}, before: before, later: after[i], p: b.p.prof, cands: b.cands}
	}
	clock.lap(StepVerify)
	if err := s.resolveComposites(ctx, checks, th); err != nil {
		return err
	}
	clock.lap(StepComposites)
	return nil
}

// laterIDs returns for each article of a batch the range of ids stored
// after it in the batch: from its own id + 1 to the largest later one
// (empty for the last, and for an article whose later batch-mates all
// have smaller ids, being stored articles replaced). A batch's new
// articles get ascending ids. An id that another writer took in between is
// left out with them; that writer's article still finds this one when it
// is matched itself, unless it searched before this batch committed.
func laterIDs(batch []*pending) []IDRange {
	out := make([]IDRange, len(batch))
	maxID := int64(0)
	for i := len(batch) - 1; i >= 0; i-- {
		id := batch[i].article.ID
		if maxID > id {
			out[i] = IDRange{From: id + 1, To: maxID}
		}
		maxID = max(maxID, id)
	}
	return out
}

// parallel calls fn(0) ... fn(n-1) on up to GOMAXPROCS goroutines and
// returns when all have returned.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// attachBatch records links and clusters for the batch in one transaction.
// clock times the wait for the locks and the work under them.
func (s *Service) attachBatch(ctx context.Context, batch []*pending, clock *stepClock) (map[int64]int64, error) {
	var ids []int64
	for _, b := range batch {
		ids = append(ids, b.article.ID)
		for _, c := range b.cands {
			if c.relation != "" {
				ids = append(ids, c.stored.ArticleID)
			}
		}
	}
	var final map[int64]int64
	err := s.store.LockClusters(ctx, sortedIDs(ids), func(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64) error {
		// An attempt that started over counts as waiting.
		clock.lap(StepLockWait)
		var events []Event
		var matched []int64
		for _, b := range batch {
			if !b.match {
				continue
			}
			matched = append(matched, b.article.ID)
			m := Member{ArticleID: b.article.ID, PublishedAt: b.article.PublishedAt, IngestedAt: b.article.IngestedAt}
			ev, err := s.attach(ctx, tx, clusterOf, attachment{member: m, prof: b.p.prof, cands: b.cands, th: s.opts.Thresholds})
			if err != nil {
				return fmt.Errorf("attach article %d: %w", b.article.ID, err)
			}
			events = append(events, ev...)
		}
		final = clusterOf
		if err := tx.MarkMatched(ctx, matched); err != nil {
			return err
		}
		return tx.InsertEvents(ctx, events)
	})
	clock.lap(StepClusters)
	return final, err
}

func (s *Service) results(ctx context.Context, batch []*pending, clusterOf map[int64]int64, withClusters bool) ([]BatchItem, error) {
	items := make([]BatchItem, len(batch))
	for i, b := range batch {
		a := *b.article
		if cid, ok := clusterOf[a.ID]; ok {
			a.ClusterID = cid
		}
		a.Matched = true
		r := &Result{Article: &a, Created: b.created, Updated: b.updated}
		if b.match {
			r.Matches = toMatches(b.cands, clusterOf)
		} else if err := s.storedMatches(ctx, r); err != nil {
			return nil, err
		}
		if withClusters {
			c, err := s.currentCluster(ctx, &a)
			if err != nil {
				return nil, err
			}
			r.Cluster = c
		}
		items[i].Result = r
	}
	return items, nil
}

// storedMatches answers a repeated submission from the stored links.
func (s *Service) storedMatches(ctx context.Context, r *Result) error {
	links, err := s.store.ListLinks(ctx, r.Article.ID)
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	for _, l := range links {
		other := l.B
		if other == r.Article.ID {
			other = l.A
		}
		r.Matches = append(r.Matches, Match{ArticleID: other, Relation: l.Relation, Score: l.Score})
	}
	return nil
}

// currentCluster returns the article's cluster as it is now. A concurrent
// ingest may merge the cluster away between the attach and this read; the
// article is then read again to find where it went.
func (s *Service) currentCluster(ctx context.Context, a *Article) (*Cluster, error) {
	for attempt := 0; ; attempt++ {
		c, err := s.store.GetCluster(ctx, a.ClusterID)
		if err == nil || !errors.Is(err, ErrNotFound) || attempt == 5 {
			if err != nil {
				return nil, fmt.Errorf("get cluster: %w", err)
			}
			return c, nil
		}
		cur, err := s.store.GetArticle(ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("get article: %w", err)
		}
		a.ClusterID = cur.ClusterID
	}
}
