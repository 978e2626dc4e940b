package dedup

import (
	"context"
	"slices"
)

// joinSimple adds a lone article to a cluster; the member tree only needs a
// rebuild when the article becomes the canonical.
func (s *Service) joinSimple(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, m Member, t target) ([]Event, error) {
	own := clusterOf[m.ArticleID]
	members, err := tx.ListMembers(ctx, t.clusterID)
	if err != nil {
		return nil, err
	}
	canon := slices.MinFunc(members, canonicalLess)
	if canonicalLess(m, canon) < 0 {
		return s.mergeInto(ctx, tx, clusterOf, t.clusterID, []int64{own})
	}
	m.Via, m.Relation, m.Score = t.best.stored.ArticleID, t.best.relation, t.best.score
	if err := tx.SetMembers(ctx, t.clusterID, []Member{m}); err != nil {
		return nil, err
	}
	if err := tx.UpdateCluster(ctx, t.clusterID, canon.ArticleID, len(members)+1); err != nil {
		return nil, err
	}
	if err := tx.DeleteCluster(ctx, own); err != nil {
		return nil, err
	}
	clusterOf[m.ArticleID] = t.clusterID
	return s.clusterEvents(t.clusterID, canon.ArticleID, append(members, m), m.ArticleID, false), nil
}

// mergeInto moves the members of the clusters in from into cluster into,
// picks the canonical and rebuilds the member tree from the stored links.
func (s *Service) mergeInto(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, into int64, from []int64) ([]Event, error) {
	members, err := tx.ListMembers(ctx, into)
	if err != nil {
		return nil, err
	}
	var article int64
	for _, cid := range from {
		if cid == into {
			continue
		}
		ms, err := tx.ListMembers(ctx, cid)
		if err != nil {
			return nil, err
		}
		if len(ms) == 1 {
			article = ms[0].ArticleID
		}
		members = append(members, ms...)
	}
	links, err := tx.ListLinks(ctx, memberIDs(members))
	if err != nil {
		return nil, err
	}
	tree := buildTree(members, links)
	if err := s.saveCluster(ctx, tx, into, tree, clusterOf); err != nil {
		return nil, err
	}
	for _, cid := range from {
		if cid != into {
			if err := tx.DeleteCluster(ctx, cid); err != nil {
				return nil, err
			}
		}
	}
	return s.clusterEvents(into, tree[0].ArticleID, tree, article, len(from) > 1), nil
}

// saveCluster writes a cluster's members (canonical first) and canonical.
func (s *Service) saveCluster(ctx context.Context, tx ClusterTx, cid int64, tree []Member, clusterOf map[int64]int64) error {
	if err := tx.SetMembers(ctx, cid, tree); err != nil {
		return err
	}
	if err := tx.UpdateCluster(ctx, cid, tree[0].ArticleID, len(tree)); err != nil {
		return err
	}
	for _, m := range tree {
		clusterOf[m.ArticleID] = cid
	}
	return nil
}

func memberIDs(ms []Member) []int64 {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ArticleID
	}
	return ids
}

// buildTree picks the canonical of a connected set of members and attaches
// every other member through its strongest same-story link, growing outward
// from the canonical (Prim's algorithm on link scores). Members the links do
// not reach hang off the canonical with no relation; callers split
// disconnected sets first. The canonical comes first in the result.
func buildTree(members []Member, links []Link) []Member {
	in := make(map[int64]int, len(members))
	for i, m := range members {
		in[m.ArticleID] = i
	}
	adj := make(map[int64][]Link)
	for _, l := range links {
		_, okA := in[l.A]
		_, okB := in[l.B]
		if okA && okB && l.Relation.Clusters() {
			adj[l.A] = append(adj[l.A], l)
			adj[l.B] = append(adj[l.B], Link{A: l.B, B: l.A, Relation: l.Relation, Score: l.Score})
		}
	}
	canon := slices.MinFunc(members, canonicalLess)
	canon.Via, canon.Relation, canon.Score = 0, "", 0
	tree := []Member{canon}
	done := map[int64]bool{canon.ArticleID: true}
	for len(tree) < len(members) {
		best, ok := strongestEdge(tree, adj, done)
		if !ok {
			break
		}
		m := members[in[best.B]]
		m.Via, m.Relation, m.Score = best.A, best.Relation, best.Score
		tree = append(tree, m)
		done[m.ArticleID] = true
	}
	for _, m := range members {
		if !done[m.ArticleID] {
			m.Via, m.Relation, m.Score = canon.ArticleID, "", 0
			tree = append(tree, m)
		}
	}
	return tree
}

func strongestEdge(tree []Member, adj map[int64][]Link, done map[int64]bool) (Link, bool) {
	var best Link
	found := false
	for _, m := range tree {
		for _, l := range adj[m.ArticleID] {
			if done[l.B] {
				continue
			}
			if !found || l.Score > best.Score || (l.Score == best.Score && l.B < best.B) {
				best, found = l, true
			}
		}
	}
	return best, found
}

// components splits members into the sets that same-story links connect.
func components(members []Member, links []Link) [][]Member {
	parent := make(map[int64]int64, len(members))
	find := func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, m := range members {
		parent[m.ArticleID] = m.ArticleID
	}
	for _, l := range links {
		_, okA := parent[l.A]
		_, okB := parent[l.B]
		if okA && okB && l.Relation.Clusters() {
			parent[find(l.A)] = find(l.B)
		}
	}
	groups := map[int64][]Member{}
	var roots []int64
	for _, m := range members {
		r := find(m.ArticleID)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], m)
	}
	out := make([][]Member, 0, len(roots))
	for _, r := range roots {
		out = append(out, groups[r])
	}
	return out
}

// regroup regroups the members of a cluster by their same-story links, after
// an article left it or a link was downgraded: the group with the canonical
// (or else the largest) keeps the cluster id and every other group gets a
// new cluster. changed reports every resulting cluster as changed even when
// the cluster did not split.
func (s *Service) regroup(ctx context.Context, tx ClusterTx, clusterOf map[int64]int64, cid int64, changed bool) ([]Event, error) {
	members, err := tx.ListMembers(ctx, cid)
	if err != nil {
		return nil, err
	}
	canon, err := tx.GetCanonical(ctx, cid)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, tx.DeleteCluster(ctx, cid)
	}
	links, err := tx.ListLinks(ctx, memberIDs(members))
	if err != nil {
		return nil, err
	}
	groups := components(members, links)
	keep := keeper(groups, canon)
	var events []Event
	for i, g := range groups {
		gid := cid
		if i != keep {
			if gid, err = tx.InsertCluster(ctx, g[0].ArticleID); err != nil {
				return nil, err
			}
		}
		tree := buildTree(g, links)
		if err := s.saveCluster(ctx, tx, gid, tree, clusterOf); err != nil {
			return nil, err
		}
		if len(groups) > 1 || changed {
			events = append(events, s.clusterEvents(gid, tree[0].ArticleID, tree, 0, true)...)
		}
	}
	return events, nil
}

// keeper returns the index of the group that keeps the cluster id.
func keeper(groups [][]Member, canon int64) int {
	best := 0
	for i, g := range groups {
		if slices.ContainsFunc(g, func(m Member) bool { return m.ArticleID == canon }) {
			return i
		}
		if len(g) > len(groups[best]) {
			best = i
		}
	}
	return best
}

// clusterEvents describes a cluster change for the outbox: the article that
// joined (if any) and, when clusters merged or split, the changed cluster.
func (s *Service) clusterEvents(cid, canon int64, members []Member, article int64, changed bool) []Event {
	if !s.opts.EmitEvents {
		return nil
	}
	ids := memberIDs(members)
	slices.Sort(ids)
	now := s.now()
	var out []Event
	if article != 0 {
		out = append(out, Event{Type: EventArticleClustered, ArticleID: article, ClusterID: cid, CanonicalID: canon, Members: ids, OccurredAt: now})
	}
	if changed {
		out = append(out, Event{Type: EventClusterChanged, ClusterID: cid, CanonicalID: canon, Members: ids, OccurredAt: now})
	}
	return out
}
