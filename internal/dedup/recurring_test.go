package dedup_test

import (
	"strings"
	"testing"

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
