package dedup

import (
	"context"
	"fmt"
)

// RecentLister is a Store that can list its newest articles' fingerprints,
// which Service.WarmProfiles reads. Both stores of internal/store implement
// it.
type RecentLister interface {
	// ListRecentFingerprints returns the fingerprints of up to limit stored
	// articles with ids below beforeID (any id when beforeID is 0), newest
	// first, each as ListFingerprints returns it.
	ListRecentFingerprints(ctx context.Context, beforeID int64, limit int) ([]StoredFingerprint, error)
}

// warmPage is how many fingerprints WarmProfiles reads per query.
const warmPage = 500

// WarmProfiles replaces what the profile cache holds with the decoded
// profiles of the newest stored articles, as many as its budget holds, and
// returns how many it put there. Without a cache, or with a store that is
// not a RecentLister, it does nothing.
//
// A server that starts with an empty cache decodes every candidate of its
// first requests, and its heap grows from nothing while they wait: at
// 150 POST/s on 10,000 stored articles, its first seconds took twice the
// CPU per request of the later ones (docs/BENCHMARKS.md, "The first seconds
// after a start"). News duplicates are mostly of recent stories, so the
// newest articles are the candidates most likely to come up.
func (s *Service) WarmProfiles(ctx context.Context) (int, error) {
	lister, ok := s.store.(RecentLister)
	if s.profiles == nil || !ok {
		return 0, nil
	}
	fill := s.profiles.newFill()
	var before int64
	for full := false; !full; {
		fps, err := lister.ListRecentFingerprints(ctx, before, warmPage)
		if err != nil {
			return 0, fmt.Errorf("warm profiles: %w", err)
		}
		if len(fps) == 0 {
			break
		}
		profs := make([]*profile, len(fps))
		parallel(len(fps), func(i int) {
			// A profile that does not decode is left out: matching
			// reports it when the article comes up.
			profs[i], _ = profileOf(&fps[i].Fingerprint)
		})
		for i := range fps {
			if profs[i] != nil && !fill.add(fps[i].ArticleID, fps[i].Fingerprint.Features, profs[i]) {
				full = true
				break
			}
		}
		before = fps[len(fps)-1].ArticleID
	}
	s.profiles.install(fill)
	return fill.len(), nil
}
