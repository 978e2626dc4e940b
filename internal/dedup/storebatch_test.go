package dedup_test

import (
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// A bulk loader stores a batch while the one before it is still being
// attached (StoreBatch, then Match). The earlier batch is then matched with
// the later one already stored, as after a crash between the two; it must
// decide as if the later batch did not exist, and the later batch must
// still find it.
func TestMatchLeavesOutLaterBatches(t *testing.T) {
	ctx := t.Context()
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	prepare := func(id, body string) []*dedup.Prepared {
		p, err := dedup.Prepare(dedup.ArticleInput{ExternalID: id, Source: "test", Body: body, PublishedAt: day(1)})
		if err != nil {
			t.Fatal(err)
		}
		return []*dedup.Prepared{p}
	}
	first, err := svc.StoreBatch(ctx, prepare("orig", storyA))
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.StoreBatch(ctx, prepare("copy", storyA+"\n\nThis copy was republished by a partner site."))
	if err != nil {
		t.Fatal(err)
	}
	attach := func(sb *dedup.StoredBatch) *dedup.Result {
		mb, err := svc.Match(ctx, sb)
		if err != nil {
			t.Fatal(err)
		}
		items, err := svc.Attach(ctx, mb, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Err != nil {
			t.Fatalf("attach: %+v", items)
		}
		return items[0].Result
	}
	orig := attach(first)
	if len(orig.Matches) != 0 {
		t.Errorf("the earlier batch matched %+v, want nothing: the later batch is not there yet", orig.Matches)
	}
	cp := attach(second)
	if got := relationTo(cp, orig.Article.ID); got != dedup.RelationCopy {
		t.Errorf("copy to original: %q, want copy", got)
	}
	if cp.Cluster == nil || cp.Cluster.ID != orig.Article.ClusterID {
		t.Errorf("copy's cluster %+v, want the original's %d", cp.Cluster, orig.Article.ClusterID)
	}
}
