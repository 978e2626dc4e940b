package dedup

// Recurring furniture. The normalizer's rules (furniture.go) go by the shape
// of a paragraph, and a site's own prose boilerplate has the shape of story
// prose: a membership appeal, a comments notice, an advert for the app. What
// gives it away is that it recurs: stored articles of many stories that have
// nothing else in common carry it word for word. Such a passage tells
// nothing about which story an article tells, so it is recorded with the
// article's profile (and stored with it) and left out of every comparison,
// as the shape rules' furniture is; so are the other text's words that
// match it, as that text may have been stored before the passage was seen
// to recur. Its candidate keys stay: they are how the recurrence is seen.

const (
	// minRecurrence is the fewest other stories that must carry a passage
	// word for word for it to be furniture. Passages that a source and a
	// few follow-ups share are reuse and are kept: on newsdup-dev some are
	// carried by three stories, and a bound of 3 lost partial reuse there
	// (recall 0.99 → 0.985). A site's boilerplate is carried by all its
	// stories, so a bound well under the candidate limit still sees it.
	minRecurrence = 6
	// minRecurringRun is the shortest recurring run left out. Shorter
	// shared phrases (a stock phrase, a name and title) are left in: the
	// gaps they leave are within what a copy's edits may be.
	minRecurringRun = minSharedWords / 2
)

// recurringRuns returns the runs of at least minRecurringRun words of p (a
// whole text) that candidates of at least minRecurrence stories match word
// for word. cands must be measured against p and their whole texts. A
// story is a stored cluster; a candidate that matches half of p or more
// is left out, as a version of p's own story (or a text that quotes it at
// length) rather than a witness that the passage is everywhere.
func recurringRuns(p *profile, cands []candidate) []tokenRun {
	n := len(p.toks)
	stories := map[int64][]bool{}
	for _, c := range cands {
		// Word for word: matched exactly, or matching the candidate's own
		// furniture (which matches nothing, so it is only left out).
		carried, k := c.m.covA.exact, c.m.covA.nExact
		if c.m.covA.skip != nil {
			carried = make([]bool, n)
			k = 0
			for i := range carried {
				carried[i] = c.m.covA.exact[i] || c.m.covA.skip[i]
				if carried[i] {
					k++
				}
			}
		}
		if 2*c.m.covA.nAny >= n || k < minRecurringRun {
			continue
		}
		story := c.stored.ClusterID
		if story == 0 {
			story = -c.stored.ArticleID
		}
		u := stories[story]
		if u == nil {
			u = make([]bool, n)
			stories[story] = u
		}
		for i, e := range carried {
			u[i] = u[i] || e
		}
	}
	if len(stories) < minRecurrence {
		return nil
	}
	carried := make([]int, n)
	for _, u := range stories {
		for i, e := range u {
			if e {
				carried[i]++
			}
		}
	}
	var runs []tokenRun
	start := -1
	for i := 0; i <= n; i++ {
		if i < n && carried[i] >= minRecurrence {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minRecurringRun {
			runs = append(runs, tokenRun{at: int32(start), n: int32(i - start)})
		}
		start = -1
	}
	return runs
}
