package dedup_test

import (
	"strings"
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// Stories of distinct generated paragraphs (45 words each).
var (
	composed = writeThruParagraphs(29)
	storyA   = strings.Join(composed[0:9], "\n\n")
	storyB   = strings.Join(composed[9:15], "\n\n")
	widget   = composed[15:17] // a block that recurs on unrelated pages
	otherU1  = strings.Join(composed[17:23], "\n\n")
	otherU2  = strings.Join(composed[23:29], "\n\n")
)

func joinAll(parts ...[]string) string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	return strings.Join(all, "\n\n")
}

func relationTo(r *dedup.Result, id int64) dedup.Relation {
	for _, m := range r.Matches {
		if m.ArticleID == id {
			return m.Relation
		}
	}
	return ""
}

// A follow-up that carries all of story A and two paragraphs of story B is
// accounted for by A at 82%, as a copy with boilerplate would be; its new
// material is B's, so it is partial reuse of A, not a copy.
func TestFollowUpOfMostlyOneStoryIsNotMerged(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	a := ingest(t, svc, "a", storyA, day(1))
	ingest(t, svc, "b", storyB, day(2))
	f := ingest(t, svc, "follow", joinAll(composed[0:9], composed[9:11]), day(3))
	if f.Article.ClusterID == a.Article.ClusterID {
		t.Fatalf("follow-up merged into story A's cluster (matches %+v)", f.Matches)
	}
	if rel := relationTo(f, a.Article.ID); rel != dedup.RelationPartial {
		t.Errorf("follow-up to A = %q, want partial", rel)
	}
}

// The same, found from the other side: the follow-up is stored first, and
// the story it reuses most of arrives later (published before it).
func TestStoredFollowUpFoundWhenItsMainSourceArrives(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	ingest(t, svc, "b", storyB, day(1))
	f := ingest(t, svc, "follow", joinAll(composed[0:9], composed[9:11]), day(3))
	a := ingest(t, svc, "a", storyA, day(2))
	if a.Article.ClusterID == f.Article.ClusterID {
		t.Fatalf("story A merged into the follow-up's cluster (matches %+v)", a.Matches)
	}
	if rel := relationTo(a, f.Article.ID); rel != dedup.RelationPartial {
		t.Errorf("A to follow-up = %q, want partial", rel)
	}
}

// A block that recurs on pages of unrelated stories is furniture, not a
// second story: a copy of A that carries it stays a copy.
func TestRecurringBlockIsNotASecondStory(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	a := ingest(t, svc, "a", storyA, day(1))
	ingest(t, svc, "u1", joinAll(strings.Split(otherU1, "\n\n"), widget), day(2))
	ingest(t, svc, "u2", joinAll(widget, strings.Split(otherU2, "\n\n")), day(3))
	c := ingest(t, svc, "copy", joinAll(composed[0:9], widget), day(4))
	if c.Article.ClusterID != a.Article.ClusterID {
		t.Fatalf("copy with a recurring block not in A's cluster (matches %+v)", c.Matches)
	}
}
