package dedup

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// candidate is a stored article verified against the article being matched.
type candidate struct {
	stored   StoredFingerprint
	prof     *profile
	m        measure // A is the article being matched, B the candidate
	relation Relation
	score    float64
	// composite is set when the stored article turned out to be a
	// composite of this article's story and another one: its own
	// same-story links are then checked again (see unmergeComposite).
	composite bool
	// lateSource is set when this article came out before the stored one
	// and reuses some of it, but was stored after it: it may be the second
	// source of a composite that was merged before it arrived, so the
	// stored article's same-story links are checked again with this
	// article as a source (see unmergeComposite).
	lateSource bool
}

// profileOf decodes a stored fingerprint's features.
func profileOf(fp *Fingerprint) (*profile, error) {
	return decodeFeatures(fp.Features)
}

// profileOf returns the profile of stored article id, from the cache when
// it holds one decoded from the same features.
func (s *Service) profileOf(id int64, fp *Fingerprint) (*profile, error) {
	if p := s.profiles.get(id, fp.Features); p != nil {
		return p, nil
	}
	p, err := decodeFeatures(fp.Features)
	if err == nil {
		s.profiles.put(id, fp.Features, p)
	}
	return p, err
}

// findCandidates returns the verified candidates of one article,
// strongest first, and records the recurring furniture it finds in p.
// before > 0 limits them to articles stored before that id. clock times
// its steps.
func (s *Service) findCandidates(ctx context.Context, self int64, fp *Fingerprint, p *profile, before int64, th Thresholds, clock *stepClock) ([]candidate, error) {
	res, err := s.store.ListCandidates(ctx, []CandidateQuery{s.query(self, fp, before)})
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	clock.lap(StepCandidates)
	loaded, err := s.loadProfiles(ctx, candidateIDs(res[0]))
	if err != nil {
		return nil, err
	}
	clock.lap(StepProfiles)
	p.setRecurring(nil)
	cands := measureLoaded(p, res[0], loaded)
	p.setRecurring(recurringRuns(p, cands))
	s.classifyAll(p, cands, nil, th)
	clock.lap(StepVerify)
	return cands, nil
}

func (s *Service) query(self int64, fp *Fingerprint, before int64) CandidateQuery {
	return CandidateQuery{Keys: fp.Keys, ExcludeID: self, BeforeID: before, Limit: s.opts.MaxCandidates, MaxPostings: s.opts.MaxPostings}
}

// storedProfile is a stored fingerprint with its decoded profile.
type storedProfile struct {
	stored StoredFingerprint
	prof   *profile
}

func candidateIDs(cands []Candidate) []int64 {
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.ArticleID
	}
	return ids
}

// loadProfiles reads and decodes the fingerprints of the given articles in
// one query; ids that no longer exist are left out.
func (s *Service) loadProfiles(ctx context.Context, ids []int64) (map[int64]storedProfile, error) {
	out := make(map[int64]storedProfile, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	stored, err := s.store.ListFingerprints(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("list fingerprints: %w", err)
	}
	// Decoding builds each profile's shingles and grams: spread it over
	// the cores, as verification is.
	profs := make([]*profile, len(stored))
	errs := make([]error, len(stored))
	parallel(len(stored), func(i int) {
		profs[i], errs[i] = s.profileOf(stored[i].ArticleID, &stored[i].Fingerprint)
	})
	for i, st := range stored {
		if errs[i] != nil {
			return nil, fmt.Errorf("article %d: %w", st.ArticleID, errs[i])
		}
		out[st.ArticleID] = storedProfile{stored: st, prof: profs[i]}
	}
	return out, nil
}

// measureLoaded compares an article p, whose recurring furniture is not
// known yet, with its candidates, already loaded.
func measureLoaded(p *profile, cands []Candidate, loaded map[int64]storedProfile) []candidate {
	out := make([]candidate, 0, len(cands))
	for _, cand := range cands {
		if sp, ok := loaded[cand.ArticleID]; ok {
			out = append(out, candidate{stored: sp.stored, prof: sp.prof, m: compare(p, sp.prof)})
		}
	}
	return out
}

// classifyAll decides the relation of the article p to each measured
// candidate, once p's recurring furniture is known, and sorts them
// strongest first. A candidate that matched some of p's furniture is
// compared afresh, as are those in again (batch-mates whose own furniture
// was found after they were measured); for the others, leaving p's
// furniture out of the measure is all that changes.
func (s *Service) classifyAll(p *profile, cands []candidate, again map[int64]bool, th Thresholds) {
	for i := range cands {
		c := &cands[i]
		switch {
		case again[c.stored.ArticleID] || p.furniture != nil && countBoth(c.m.covA.any, p.furniture) > 0:
			c.m = compare(p, c.prof)
		case p.furniture != nil:
			c.m.leaveOut(p, c.prof)
		}
		c.relation, c.score, c.m = decide(c.m, th)
	}
	sortCandidates(cands)
	s.observe(cands)
}

func (s *Service) observe(cands []candidate) {
	if s.opts.Observer == nil {
		return
	}
	verified := 0
	for _, c := range cands {
		if c.relation != "" {
			verified++
		}
	}
	s.opts.Observer.ObserveQuery(len(cands), verified)
}

func sortCandidates(cs []candidate) {
	slices.SortStableFunc(cs, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.stored.ArticleID, b.stored.ArticleID)
	})
}

// resolveComposites turns same-story links into partial ones where either
// text is a composite: its material beyond the other text is a second
// story. This is how a follow-up that quotes a story at length is told from
// an untrimmed original of it, and a follow-up that reuses most of one
// story and some of another from a copy of the first. The new article is
// checked against its own candidates; a stored one against its candidates,
// read from the store, when it has enough new material to be a composite.
//
// Only texts published before the composite count as its sources: a later
// follow-up that quoted it explains its passages too, but it is a
// derivative of it, not a source.
//
// Each check decides from its own candidates and the store alone, so the
// checks of a batch run together: the stored candidates' own candidates
// are read in one query and their fingerprints in another.
func (s *Service) resolveComposites(ctx context.Context, checks []compositeCheck, th Thresholds) error {
	need := make([][]storedCheck, len(checks))
	parallel(len(checks), func(k int) {
		ch := &checks[k]
		for i := range ch.cands {
			c := &ch.cands[i]
			if c.relation != RelationCopy && c.relation != RelationRewrite {
				continue
			}
			if isComposite(c.m.covA.any, ch.p, c.prof, datedOf(c.stored).before(ch.self), sources(ch.cands, i, ch.self), th) {
				c.relation = RelationPartial
				continue
			}
			if _, _, enough := newMaterial(c.m.covB.any, th); enough {
				q := s.query(c.stored.ArticleID, fingerprintProfile(c.prof), ch.before)
				q.Later = ch.later
				need[k] = append(need[k], storedCheck{check: k, cand: i, query: q})
			}
		}
	})
	if err := s.storedComposites(ctx, checks, slices.Concat(need...), th); err != nil {
		return err
	}
	for k := range checks {
		ch := &checks[k]
		for i := range ch.cands {
			c := &ch.cands[i]
			c.lateSource = c.relation == RelationPartial && !c.composite && ch.self.before(datedOf(c.stored)) &&
				c.m.covB.nAny >= minSharedWords
		}
		sortCandidates(ch.cands)
	}
	return nil
}

// compositeCheck is one article's verified candidates, for
// resolveComposites: the article (p, stored as self), and what its checks
// leave out: the ids stored after it in its batch (later), and from before
// on (0 for none).
type compositeCheck struct {
	self   dated
	before int64
	later  IDRange
	p      *profile
	cands  []candidate
}

// storedCheck is a stored candidate (cands[cand] of checks[check]) to be
// checked as a composite against its own candidates, found by query.
type storedCheck struct {
	check, cand int
	query       CandidateQuery
}

// storedComposites checks whether each stored candidate of pending is a
// composite of its article's story and another stored one, and if so
// marks it composite and its link partial.
func (s *Service) storedComposites(ctx context.Context, checks []compositeCheck, pending []storedCheck, th Thresholds) error {
	if len(pending) == 0 {
		return nil
	}
	queries := make([]CandidateQuery, len(pending))
	for j, pc := range pending {
		queries[j] = pc.query
	}
	res, err := s.store.ListCandidates(ctx, queries)
	if err != nil {
		return fmt.Errorf("list candidates: %w", err)
	}
	ids := make([][]int64, len(pending))
	var all []int64
	for j, pc := range pending {
		self := checks[pc.check].self.id
		for _, r := range res[j] {
			if r.ArticleID != self {
				ids[j] = append(ids[j], r.ArticleID)
			}
		}
		slices.Sort(ids[j])
		all = append(all, ids[j]...)
	}
	loaded, err := s.loadProfiles(ctx, sortedIDs(all))
	if err != nil {
		return err
	}
	parallel(len(pending), func(j int) {
		ch := &checks[pending[j].check]
		c := &ch.cands[pending[j].cand]
		var profs []*profile
		for _, id := range ids[j] {
			if sp, ok := loaded[id]; ok && datedOf(sp.stored).before(datedOf(c.stored)) {
				profs = append(profs, sp.prof)
			}
		}
		if isComposite(c.m.covB.any, c.prof, ch.p, ch.self.before(datedOf(c.stored)), profs, th) {
			c.composite, c.relation = true, RelationPartial
		}
	})
	return nil
}

// dated is an article's place in time: published date (zero if unknown)
// and id, which orders ingestion.
type dated struct {
	id        int64
	published time.Time
}

// before reports whether a came out before b: by publication date when both
// are known, else by ingestion order. A stored article (id > 0) comes before
// one not stored yet (id 0, a dry run).
func (a dated) before(b dated) bool {
	if !a.published.IsZero() && !b.published.IsZero() && !a.published.Equal(b.published) {
		return a.published.Before(b.published)
	}
	switch {
	case a.id == 0:
		return false
	case b.id == 0:
		return true
	}
	return a.id < b.id
}

func datedOf(st StoredFingerprint) dated { return dated{st.ArticleID, st.PublishedAt} }

// sources returns the linked candidates, other than cands[skip], that came
// out before y.
func sources(cands []candidate, skip int, y dated) []*profile {
	out := make([]*profile, 0, len(cands))
	for j, c := range cands {
		if j != skip && c.relation != "" && datedOf(c.stored).before(y) {
			out = append(out, c.prof)
		}
	}
	return out
}

// isComposite reports whether the new material of y (its long runs that
// x leaves unmatched) is a second story, so that y is a composite of x's
// story and another one rather than a version of x.
//
// A container (more than 1-Rewrite of y is new) is a composite when texts
// of other stories match most of its new material, or when x stands
// embedded in it and x's story came out first (x itself, when xFirst, or a
// text in others that is the same story as x): then y quotes that story
// inside one of its own, whether or not a text of its own story is stored
// (see embedded). Where y came first, x is an excerpt of it, a copy
// trimmed at both ends. Every text in others came out before y.
//
// A text that x accounts for nearly whole has little new material, and on
// real pages that is often page furniture the normalizer kept (a site's
// weather box, a newsletter prompt, a quote many outlets carried); so
// there the new material must come from one other story, unrelated to x,
// and be specific to it: no text of a third story matches most of it.
func isComposite(coveredByX []bool, y, x *profile, xFirst bool, others []*profile, th Thresholds) bool {
	rest, remainder, enough := newMaterial(coveredByX, th)
	if !enough {
		return false
	}
	if isContainer(remainder, len(y.toks), th) {
		if embedded(rest, coveredByX, y, x) && (xFirst || slices.ContainsFunc(others, func(z *profile) bool { return sameStory(x, z, th) })) {
			return true
		}
		return unionExplains(rest, remainder, coveredByX, y, x, others, th)
	}
	return secondStory(rest, remainder, y, x, others, th)
}

// embedded reports whether x stands inside y as a passage that another
// story quotes: y, covered by x as given, carries new material (rest)
// both before the first word x matches and after the last, and what comes
// before opens a story of its own, naming other people and places than x
// (see namesAnotherStory). A trimmed copy is the top of its original, so
// its original's new material comes after it only. A write-thru puts a
// new lede and new paragraphs around the version before it, but its lede
// names the story's people. The opening must be at least minSecondStory
// words: a page's headline and site lines come before its story too.
func embedded(rest, covered []bool, y, x *profile) bool {
	first, last := slices.Index(covered, true), len(covered)-1
	if first < 0 {
		return false
	}
	for !covered[last] {
		last--
	}
	opening := rest[:first]
	return count(opening) >= minSecondStory && count(rest[last+1:]) >= minSharedWords &&
		namesAnotherStory(opening, y, x)
}

// namesAnotherStory reports whether the words of y marked in part name
// other people and places than x: at least minOtherNames distinct names,
// and fewer than a fifth of them among x's.
func namesAnotherStory(part []bool, y, x *profile) bool {
	var mine []uint64
	for _, n := range y.names {
		if int(n.at) < len(part) && part[n.at] {
			mine = append(mine, uint64(y.toks[n.at]))
		}
	}
	slices.Sort(mine)
	mine = slices.Compact(mine)
	if len(mine) < minOtherNames {
		return false
	}
	theirs := make([]uint64, len(x.names))
	for i, n := range x.names {
		theirs[i] = uint64(x.toks[n.at])
	}
	slices.Sort(theirs)
	return 5*countShared(mine, slices.Compact(theirs)) < len(mine)
}

// minOtherNames is the fewest distinct names for namesAnotherStory to
// judge a passage by.
const minOtherNames = 5

// isContainer reports whether a text of n words, remainder of them new
// material, carries more than the other text of a same-story pair can
// account for: the other explains less of it than a rewrite needs.
func isContainer(remainder, n int, th Thresholds) bool {
	return 1-frac(remainder, n) < th.Rewrite
}

// newMaterial returns the new material of a text, covered as given by the
// other text of a pair: its unmatched runs of minGap words or more (see
// novel) and their size, and whether that is enough for isComposite to
// find a second story in.
func newMaterial(coveredByX []bool, th Thresholds) (rest []bool, remainder int, enough bool) {
	rest = novel(coveredByX, nil)
	remainder = count(rest)
	if isContainer(remainder, len(coveredByX), th) {
		return rest, remainder, remainder >= minSharedWords
	}
	return rest, remainder, remainder >= minSecondStory
}

// unionExplains reports whether texts in others that do not tell x's story
// together match most of the new material rest of y. A text tells x's story
// when it is the same story as x, or when it is a version of y (see
// versionOf) that matches most of what x matches in y: then x and it are
// two copies of y's story, each trimmed in its own places (and so only
// partial to each other), and what it adds to x is y's own text, not a
// second story that y quotes.
func unionExplains(rest []bool, remainder int, coveredByX []bool, y, x *profile, others []*profile, th Thresholds) bool {
	explained := make([]bool, len(y.toks))
	byX := count(coveredByX)
	for _, z := range others {
		yInZ, zInY := match(y, z)
		// A text that matches none of the new material adds nothing
		// either way: the dearer questions are not asked of it.
		if countBoth(yInZ.any, rest) == 0 || sameStory(x, z, th) {
			continue
		}
		if 2*countBoth(yInZ.any, coveredByX) >= byX && versionOf(z, y, zInY, th) {
			continue
		}
		for i, c := range yInZ.any {
			if c && rest[i] {
				explained[i] = true
			}
		}
	}
	got := count(explained)
	return got >= minSharedWords && frac(got, remainder) >= 0.5
}

// versionOf reports whether z, matched in y as zInY, is a version of y's
// story: y accounts for it as for a copy, word for word, and every name and
// figure in the part between its first and last matched words is one of
// y's. Texts written to one template (two companies' bond issues) match
// each other as closely, but not their names and figures; short ones give
// too few of them for otherNames and otherFigures to judge, so here a
// single one of z's that y lacks will do. Reworded versions do not count:
// measured with a spinner's leeway, short reports written to one template
// account for each other (see mutualMergeWords). Unmatched words before
// the first match and after the last are left out: there a copy carries
// its own credits and site lines. zInY is changed.
func versionOf(z, y *profile, zInY coverage, th Thresholds) bool {
	zInY.ignore(z.furniture)
	zInY.ignore(zInY.othersFurniture)
	if explained(zInY) < th.Copy || frac(zInY.verbatim(), zInY.matched()) < verbatim {
		return false
	}
	ends := make([]bool, len(zInY.any))
	for i := 0; i < len(ends) && !zInY.any[i]; i++ {
		ends[i] = true
	}
	for i := len(ends) - 1; i >= 0 && !zInY.any[i]; i-- {
		ends[i] = true
	}
	zInY.ignore(ends)
	within := func(zs, ys []wordSpan) bool {
		mine := accountedSpans(z, zs, zInY)
		theirs := make([]uint64, len(ys))
		for i, f := range ys {
			theirs[i] = spanHash(y, f)
		}
		slices.Sort(theirs)
		return countShared(mine, slices.Compact(theirs)) == len(mine)
	}
	return within(z.names, y.names) && within(z.figures, y.figures)
}

// twoVersions reports whether a and b are two versions of y's story (see
// versionOf) that match most of the same part of it: two copies of one
// original, each trimmed in its own places. The two stories that a
// follow-up quotes match different parts of it.
func twoVersions(y, a, b *profile, th Thresholds) bool {
	yInA, aInY := match(y, a)
	yInB, bInY := match(y, b)
	if !versionOf(a, y, aInY, th) || !versionOf(b, y, bInY, th) {
		return false
	}
	return 2*countBoth(yInA.any, yInB.any) >= min(count(yInA.any), count(yInB.any))
}

// secondStory reports whether one text in others, unrelated to x, matches
// most of the new material rest of y, and no text of a third story matches
// most of what it matches.
func secondStory(rest []bool, remainder int, y, x *profile, others []*profile, th Thresholds) bool {
	covers := make([][]bool, len(others))
	shared := make([]int, len(others))
	order := make([]int, len(others))
	for j, z := range others {
		covers[j] = cover(y, z).any
		shared[j] = countBoth(covers[j], rest)
		order[j] = j
	}
	// The second story is the text unrelated to x that matches the most
	// of rest (the first of equals). Texts are tried from the most
	// matched down, so that only those that could be it are compared
	// with x: comparing x with every candidate made this the dearest
	// step of a long article's match.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(shared[b], shared[a]) })
	best, bestN := -1, 0
	for _, j := range order {
		if shared[j] < minSecondStory || frac(shared[j], remainder) < 0.5 {
			return false // nor can any text after it
		}
		if !related(x, others[j], th) {
			best, bestN = j, shared[j]
			break
		}
	}
	if best < 0 {
		return false
	}
	own := make([]bool, len(rest))
	for i := range own {
		own[i] = rest[i] && covers[best][i]
	}
	for j, z := range others {
		if j != best && frac(countBoth(covers[j], own), bestN) >= 0.5 && !sameStory(others[best], z, th) {
			return false
		}
	}
	return true
}

// related reports whether x and z are linked by any relation.
func related(x, z *profile, th Thresholds) bool {
	return relationEnough(x, z, th, linked) != ""
}

func linked(rel Relation) bool { return rel != "" }

// minSecondStory is the fewest words of a second story in a text that
// another accounts for nearly whole. Page furniture that the normalizer
// keeps comes a paragraph at a time (a weather box, a subscription prompt,
// a caption without a credit: 22 to 35 words on the Helsinki pages), so
// it takes more than one such paragraph.
const minSecondStory = 2 * minSharedWords

func sameStory(x, z *profile, th Thresholds) bool {
	return relationEnough(x, z, th, Relation.Clusters).Clusters()
}

// unmergeComposite revisits the same-story links of a stored article found
// to be a composite: a link to a text it contains but is not accounted for
// by was a follow-up merged into one of its sources before the other source
// was stored. Such links become partial and the cluster regroups.
//
// With a source given (an article stored later but published before y),
// y is not known to be a composite yet: a link becomes partial only where
// y contains the linked text and the source is the second story of y's
// material beyond it. (A text that the linked one accounts for nearly
// whole is left alone here: telling its few new paragraphs from page
// furniture takes y's other candidates, which the cluster step does not
// read.)
func (s *Service) unmergeComposite(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, y int64, source *profile, th Thresholds) ([]Event, error) {
	links, err := tx.ListLinks(ctx, []int64{y})
	if err != nil {
		return nil, err
	}
	ids := []int64{y}
	for _, l := range links {
		if l.Relation.Clusters() && l.Relation != RelationExact {
			ids = append(ids, l.A+l.B-y)
		}
	}
	if len(ids) == 1 {
		return nil, nil
	}
	fps, err := tx.ListFingerprints(ctx, ids)
	if err != nil {
		return nil, err
	}
	profs := map[int64]*profile{}
	for _, f := range fps {
		if profs[f.ArticleID], err = s.profileOf(f.ArticleID, &f.Fingerprint); err != nil {
			return nil, err
		}
	}
	var down []Link
	for _, l := range links {
		w, ok := profs[l.A+l.B-y]
		if !l.Relation.Clusters() || l.Relation == RelationExact || !ok || profs[y] == nil {
			continue
		}
		covered := compare(profs[y], w).covA
		if explained(covered) < th.Rewrite && (source == nil || isComposite(covered.any, profs[y], w, false, []*profile{source}, th)) {
			l.Relation = RelationPartial
			down = append(down, l)
		}
	}
	if len(down) == 0 {
		return nil, nil
	}
	if err := tx.UpsertLinks(ctx, down); err != nil {
		return nil, err
	}
	return s.regroup(ctx, tx, clusterOf, clusterOf[y], false)
}
