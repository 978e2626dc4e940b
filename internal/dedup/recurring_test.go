package dedup_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// siteFooter is prose-shaped boilerplate that one site puts under every
// story: the normalizer's shape rules keep it.
const siteFooter = "Thank you for reading this story. Our reporting depends on readers like you, so please consider becoming a member today: members get unlimited access to every article on the site, a weekly letter from the editor and invitations to the events we hold across the region every spring and autumn."

// A site's boilerplate recurs under stories that have nothing else in
// common. It is left out of comparisons: unrelated stories that carry it are
// not linked, and a trimmed copy that carries it is still a copy, whichever
// of the copy and the original is stored first.
func TestRecurringFooterIsFurniture(t *testing.T) {
	p := writeThruParagraphs(30)
	story := strings.Join(p[0:4], "\n\n")
	trimmed := strings.Join(append(p[0:2:2], siteFooter), "\n\n")
	for _, tt := range []struct {
		name      string
		copyFirst bool
	}{{"copy stored last", false}, {"original stored last", true}} {
		t.Run(tt.name, func(t *testing.T) {
			svc := dedup.NewService(memstore.New(), dedup.Options{})
			var last *dedup.Result
			for i := range 8 {
				body := strings.Join(append(p[4+3*i:7+3*i:7+3*i], siteFooter), "\n\n")
				last = ingest(t, svc, "unrelated"+string(rune('a'+i)), body, day(1+i))
			}
			if len(last.Matches) != 0 {
				t.Errorf("an unrelated story with the site's footer matched %+v", last.Matches)
			}
			orig, cp := ingestPair(t, svc, tt.copyFirst, doc{"orig", story, day(19)}, doc{"copy", trimmed, day(20)})
			if cp.Article.ClusterID != orig.Article.ClusterID {
				t.Errorf("trimmed copy with the footer not in the original's cluster (matches %+v, %+v)", cp.Matches, orig.Matches)
			}
			// Explaining the pair leaves the footer out as matching did.
			cmp, err := svc.Compare(t.Context(), orig.Article.ID, cp.Article.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cmp.Relation != dedup.RelationCopy {
				t.Errorf("Compare(original, copy) = %q, want copy", cmp.Relation)
			}
		})
	}
}

// Paragraphs of one story that a few follow-ups quote are reuse, not
// furniture: the last of four follow-ups is still linked to the story.
func TestPassageQuotedByAFewStoriesIsReuse(t *testing.T) {
	p := writeThruParagraphs(30)
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	src := ingest(t, svc, "source", strings.Join(p[0:6], "\n\n"), day(1))
	var last *dedup.Result
	for i := range 4 {
		own := p[6+4*i : 10+4*i]
		body := strings.Join([]string{own[0], own[1], p[0], p[1], own[2], own[3]}, "\n\n")
		last = ingest(t, svc, "follow"+string(rune('a'+i)), body, day(2+i))
	}
	if rel := relationTo(last, src.Article.ID); rel != dedup.RelationPartial {
		t.Errorf("last follow-up to the source = %q, want partial (matches %+v)", rel, last.Matches)
	}
}

// A batch finds recurring furniture in batch order, so that a batch-mate
// whose furniture was found in the same batch is compared without it: the
// batch links and clusters as one-at-a-time ingest does.
func TestBatchFindsFurnitureAsOneAtATime(t *testing.T) {
	p := writeThruParagraphs(30)
	var in []dedup.ArticleInput
	for i := range 8 {
		body := strings.Join(append(p[4+3*i:7+3*i:7+3*i], siteFooter), "\n\n")
		in = append(in, dedup.ArticleInput{ExternalID: "unrelated" + string(rune('a'+i)), Source: "test", Body: body, PublishedAt: day(1 + i)})
	}
	in = append(in,
		dedup.ArticleInput{ExternalID: "copy", Source: "test", Body: strings.Join(append(p[0:2:2], siteFooter), "\n\n"), PublishedAt: day(20)},
		dedup.ArticleInput{ExternalID: "orig", Source: "test", Body: strings.Join(p[0:4], "\n\n"), PublishedAt: day(19)})

	// links returns the links by external ids, and for each article the
	// articles of its cluster.
	links := func(svc *dedup.Service, results []*dedup.Result) (map[string]string, map[string]string) {
		ext := map[int64]string{}
		for _, r := range results {
			ext[r.Article.ID] = r.Article.ExternalID
		}
		got, members := map[string]string{}, map[int64][]string{}
		cluster := map[string]int64{}
		for _, r := range results {
			for _, m := range r.Matches {
				got[r.Article.ExternalID+"~"+ext[m.ArticleID]] = string(m.Relation)
			}
			a, err := svc.GetArticle(t.Context(), r.Article.ID)
			if err != nil {
				t.Fatal(err)
			}
			cluster[a.ExternalID] = a.ClusterID
			members[a.ClusterID] = append(members[a.ClusterID], a.ExternalID)
		}
		clusters := map[string]string{}
		for id, cid := range cluster {
			clusters[id] = strings.Join(members[cid], " ")
		}
		return got, clusters
	}

	one := dedup.NewService(memstore.New(), dedup.Options{})
	var oneRes []*dedup.Result
	for _, a := range in {
		oneRes = append(oneRes, ingest(t, one, a.ExternalID, a.Body, a.PublishedAt))
	}
	batch := dedup.NewService(memstore.New(), dedup.Options{})
	items, err := batch.IngestBatch(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	var batchRes []*dedup.Result
	for _, it := range items {
		if it.Err != nil {
			t.Fatal(it.Err)
		}
		batchRes = append(batchRes, it.Result)
	}
	wantLinks, wantClusters := links(one, oneRes)
	gotLinks, gotClusters := links(batch, batchRes)
	if wantLinks["orig~copy"] != string(dedup.RelationCopy) {
		t.Fatalf("one at a time: original to copy = %q, want copy", wantLinks["orig~copy"])
	}
	if d := cmp.Diff(wantLinks, gotLinks); d != "" {
		t.Errorf("batch links differ from one-at-a-time ones (-one +batch):\n%s", d)
	}
	if d := cmp.Diff(wantClusters, gotClusters); d != "" {
		t.Errorf("batch clusters differ from one-at-a-time ones (-one +batch):\n%s", d)
	}
}
