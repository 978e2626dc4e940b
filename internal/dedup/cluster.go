package dedup

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Clustering policy. A cluster grows only through verified copy or rewrite
// links. An article joins the cluster of its strongest same-story match;
// two existing clusters merge only when the article verifies as the same
// story against both clusters' canonical articles, so that one weak or
// mistaken link cannot weld two stories together, and a chain of ever weaker
// links cannot grow one cluster without bound. The canonical article of a
// cluster is the earliest published (unknown dates last), then the earliest
// ingested.

// canonicalLess orders members by the canonical policy.
func canonicalLess(a, b Member) int {
	ap, bp := a.PublishedAt, b.PublishedAt
	switch {
	case ap.IsZero() && !bp.IsZero():
		return 1
	case !ap.IsZero() && bp.IsZero():
		return -1
	}
	if c := ap.Compare(bp); c != 0 {
		return c
	}
	if c := a.IngestedAt.Compare(b.IngestedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ArticleID, b.ArticleID)
}

// attachment is what attach needs to know of the article being matched.
type attachment struct {
	member Member // ArticleID, PublishedAt, IngestedAt
	prof   *profile
	cands  []candidate
	th     Thresholds
}

// attach records an article's links and decides its cluster. It runs inside
// LockClusters; clusterOf is kept up to date as clusters merge, so that a
// batch can attach many articles in one transaction.
func (s *Service) attach(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, at attachment) ([]Event, error) {
	n := at.member.ArticleID
	links := make([]Link, 0, len(at.cands))
	for _, c := range at.cands {
		if c.relation != "" {
			links = append(links, Link{A: n, B: c.stored.ArticleID, Relation: c.relation, Score: c.score})
		}
	}
	if len(links) > 0 {
		if err := tx.UpsertLinks(ctx, links); err != nil {
			return nil, err
		}
	}
	var events []Event
	for _, c := range at.cands {
		_, ok := clusterOf[c.stored.ArticleID]
		if !ok || !c.composite && !c.lateSource {
			continue
		}
		var source *profile
		if c.lateSource {
			source = at.prof
		}
		ev, err := s.unmergeComposite(ctx, tx, clusterOf, c.stored.ArticleID, source, at.th)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	targets := targetClusters(clusterOf, n, at.cands)
	if len(targets) > 0 {
		ev, err := s.join(ctx, tx, clusterOf, at, targets)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
		ev, err = s.evictPartials(ctx, tx, clusterOf, at)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	return events, nil
}

// evictPartials looks again at the members of the article's new cluster
// that the article only partially matches. A member that is not the same
// story as the cluster's canonical either got in through a text it contains
// whole (a follow-up that quotes one trimmed copy of the story) and is
// taken out, as a composite.
func (s *Service) evictPartials(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, at attachment) ([]Event, error) {
	cid := clusterOf[at.member.ArticleID]
	var suspects []candidate
	for _, c := range at.cands {
		if c.relation == RelationPartial && clusterOf[c.stored.ArticleID] == cid {
			suspects = append(suspects, c)
		}
	}
	if len(suspects) == 0 {
		return nil, nil
	}
	canon, err := tx.GetCanonical(ctx, cid)
	if err != nil {
		return nil, err
	}
	fps, err := tx.ListFingerprints(ctx, []int64{canon})
	if err != nil || len(fps) == 0 {
		return nil, err
	}
	cp, err := s.profileOf(fps[0].ArticleID, &fps[0].Fingerprint)
	if err != nil {
		return nil, err
	}
	var events []Event
	for _, c := range suspects {
		if c.stored.ArticleID == canon || sameStory(c.prof, cp, at.th) {
			continue
		}
		ev, err := s.unmergeComposite(ctx, tx, clusterOf, c.stored.ArticleID, nil, at.th)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	return events, nil
}

// target is a cluster the article has a same-story link into, with the
// strongest such link.
type target struct {
	clusterID int64
	best      candidate
}

func targetClusters(clusterOf map[int64]int64, n int64, cands []candidate) []target {
	own := clusterOf[n]
	seen := map[int64]bool{own: true}
	var out []target
	for _, c := range cands { // strongest first
		cid, ok := clusterOf[c.stored.ArticleID]
		if !ok || !c.relation.Clusters() || seen[cid] {
			continue
		}
		seen[cid] = true
		out = append(out, target{clusterID: cid, best: c})
	}
	return out
}

// join puts the article into its best target cluster and merges further
// targets (and its own cluster, if it already has other members) where the
// article verifies against both canonicals.
func (s *Service) join(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, at attachment, targets []target) ([]Event, error) {
	n := at.member.ArticleID
	own := clusterOf[n]
	ownMembers, err := tx.ListMembers(ctx, own)
	if err != nil {
		return nil, err
	}
	// The article joins the strongest target whose canonical it verifies
	// against as the same story: a follow-up that contains one trimmed copy
	// of a story whole is still only partial reuse of the story itself.
	var err2 error
	targets, err2 = s.withCanonicalMatch(ctx, tx, at, targets)
	if err2 != nil || len(targets) == 0 {
		return nil, err2
	}
	primary := targets[0]
	if len(ownMembers) > 1 {
		// The article is already in a cluster (a concurrent ingest put it
		// there): joining another one is a merge of two clusters.
		ok, err := s.verifiesCanonicals(ctx, tx, at, own, primary.clusterID)
		if err != nil || !ok {
			return nil, err
		}
	}
	merge := []int64{own}
	for _, t := range targets[1:] {
		ok, err := s.verifiesCanonicals(ctx, tx, at, primary.clusterID, t.clusterID)
		if err != nil {
			return nil, err
		}
		if ok {
			merge = append(merge, t.clusterID)
		}
	}
	if len(ownMembers) == 1 && len(merge) == 1 {
		return s.joinSimple(ctx, tx, clusterOf, at.member, primary)
	}
	return s.mergeInto(ctx, tx, clusterOf, primary.clusterID, merge)
}

// verifiesCanonicals reports whether two clusters may merge through the
// article: it is the same story as both canonical articles, and so are the
// two canonicals as each other. The last check keeps a text that contains
// one story whole and quotes another (which verifies against both) from
// welding the two stories together. It is not needed when the article and
// each canonical account for each other (see mutual) and are long enough
// for that to mean something (mutualMergeWords): such a text holds nothing
// but the one story, as an original does of two rewrites that were spun
// from it independently and arrived before it. Spun twice, the two may
// share too little to be the same story as each other. Nor is it needed
// when the canonicals are two versions of the article's story, trimmed in
// different places (see twoVersions), as an original's copies are.
func (s *Service) verifiesCanonicals(ctx context.Context, tx ClusterTx, at attachment, c1, c2 int64) (bool, error) {
	var canons [2]int64
	for i, cid := range []int64{c1, c2} {
		canon, err := tx.GetCanonical(ctx, cid)
		if err != nil {
			return false, err
		}
		ok, err := s.verifiesAgainst(ctx, tx, at, canon)
		if err != nil || !ok {
			return false, err
		}
		canons[i] = canon
	}
	if canons[0] == canons[1] || canons[0] == at.member.ArticleID || canons[1] == at.member.ArticleID {
		return true, nil
	}
	if at.mutualWith(canons[0]) && at.mutualWith(canons[1]) {
		return true, nil
	}
	fps, err := tx.ListFingerprints(ctx, canons[:])
	if err != nil || len(fps) != 2 {
		return false, err
	}
	p0, err := s.profileOf(fps[0].ArticleID, &fps[0].Fingerprint)
	if err != nil {
		return false, err
	}
	p1, err := s.profileOf(fps[1].ArticleID, &fps[1].Fingerprint)
	if err != nil {
		return false, err
	}
	return sameStory(p0, p1, at.th) || twoVersions(at.prof, p0, p1, at.th), nil
}

// mutualWith reports whether the article and a candidate it was measured
// against are the same story and account for each other, each text being
// at least mutualMergeWords long.
func (at attachment) mutualWith(id int64) bool {
	c := at.candidate(id)
	return c != nil && c.relation.Clusters() && mutual(c.m, at.th) && min(c.m.covA.words(), c.m.covB.words()) >= mutualMergeWords
}

// candidate returns the article's measured candidate id, or nil.
func (at attachment) candidate(id int64) *candidate {
	if i := slices.IndexFunc(at.cands, func(c candidate) bool { return c.stored.ArticleID == id }); i >= 0 {
		return &at.cands[i]
	}
	return nil
}

// mutualMergeWords is the fewest words each text of a mutual link needs
// for the link to merge clusters on its own: five times the shortest
// unmatched run that counts as new material. In a shorter text no
// difference is long enough to count, and two daily reports written to one
// template (different days' money-market operations) account for each
// other.
const mutualMergeWords = 5 * minGap

func (s *Service) verifiesAgainst(ctx context.Context, tx ClusterTx, at attachment, id int64) (bool, error) {
	if id == at.member.ArticleID {
		return true, nil
	}
	if c := at.candidate(id); c != nil {
		return c.relation.Clusters(), nil
	}
	fps, err := tx.ListFingerprints(ctx, []int64{id})
	if err != nil || len(fps) == 0 {
		return false, err
	}
	q, err := s.profileOf(fps[0].ArticleID, &fps[0].Fingerprint)
	if err != nil {
		return false, fmt.Errorf("article %d: %w", id, err)
	}
	return sameStory(at.prof, q, at.th), nil
}

// withCanonicalMatch keeps the targets the article may join: those whose
// canonical article it verifies against, and those it matches through a
// mutual link (each text accounts for the other), as a wire story's
// successive write-thrus do even when the latest has drifted too far from
// the first. A link that is containment one way only (the article holds a
// member whole) is not enough on its own: a follow-up quoting one trimmed
// copy of a story contains that copy whole.
func (s *Service) withCanonicalMatch(ctx context.Context, tx ClusterTx, at attachment, targets []target) ([]target, error) {
	var out []target
	for _, t := range targets {
		if mutual(t.best.m, at.th) {
			out = append(out, t)
			continue
		}
		canon, err := tx.GetCanonical(ctx, t.clusterID)
		if err != nil {
			return nil, err
		}
		ok, err := s.verifiesAgainst(ctx, tx, at, canon)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// mutual reports whether each text of a pair accounts for the other.
func mutual(m measure, th Thresholds) bool {
	return explained(m.covA) >= th.Rewrite && explained(m.covB) >= th.Rewrite
}
