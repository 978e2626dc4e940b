package dedup_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

// doc is an article to ingest.
type doc struct {
	id, body  string
	published time.Time
}

// ingestPair ingests x and then y, or y first when swap is set, and
// returns their results as x's and y's.
func ingestPair(t *testing.T, svc *dedup.Service, swap bool, x, y doc) (rx, ry *dedup.Result) {
	t.Helper()
	if swap {
		ry = ingest(t, svc, y.id, y.body, y.published)
		return ingest(t, svc, x.id, x.body, x.published), ry
	}
	rx = ingest(t, svc, x.id, x.body, x.published)
	return rx, ingest(t, svc, y.id, y.body, y.published)
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
// material is B's, so it is partial reuse of A, not a copy. This holds
// whichever of the follow-up and A is stored first (A is published first).
func TestFollowUpReusingMostOfOneStory(t *testing.T) {
	follow := joinAll(composed[0:9], composed[9:11])
	for _, tt := range []struct {
		name          string
		followUpFirst bool
	}{{"follow-up stored last", false}, {"story stored last", true}} {
		t.Run(tt.name, func(t *testing.T) {
			svc := dedup.NewService(memstore.New(), dedup.Options{})
			ingest(t, svc, "b", storyB, day(1))
			a, f := ingestPair(t, svc, tt.followUpFirst, doc{"a", storyA, day(2)}, doc{"follow", follow, day(3)})
			if f.Article.ClusterID == a.Article.ClusterID {
				t.Fatalf("follow-up and story A in one cluster (matches %+v, %+v)", f.Matches, a.Matches)
			}
			later, other := f, a
			if tt.followUpFirst {
				later, other = a, f
			}
			if rel := relationTo(later, other.Article.ID); rel != dedup.RelationPartial {
				t.Errorf("link between follow-up and A = %q, want partial", rel)
			}
		})
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

// A follow-up that contains all of story B and half of story A arrives
// after B and before A (A published earlier): at first it is B's copy with
// more text. When A arrives, the follow-up turns out to be a composite of
// the two stories and leaves B's cluster, as it would have had A come first.
func TestLateSecondSourceUnmergesFollowUp(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	b := ingest(t, svc, "b", storyB, day(1))
	f := ingest(t, svc, "follow", joinAll(composed[9:15], composed[0:4]), day(3))
	if f.Article.ClusterID != b.Article.ClusterID {
		t.Fatalf("before A arrives the follow-up should be in B's cluster (matches %+v)", f.Matches)
	}
	a := ingest(t, svc, "a", storyA, day(2))
	if rel := relationTo(a, f.Article.ID); rel != dedup.RelationPartial {
		t.Fatalf("A to follow-up = %q, want partial", rel)
	}
	got, err := svc.GetArticle(context.Background(), f.Article.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ClusterID == b.Article.ClusterID {
		t.Errorf("follow-up still in B's cluster after its second source arrived")
	}
}

// Two copies of one story, trimmed in different places, are only partial
// to each other: one left out a paragraph in the middle, the other the
// ending. A fuller copy that holds both is a copy of each, not a
// composite of two stories, even while the original is not stored: a copy
// of the fuller one that arrives later leaves its cluster as it was.
func TestCopiesTrimmedDifferentlyAreNotTwoStories(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	full := ingest(t, svc, "full", joinAll(composed[0:6]), day(2))
	early := ingest(t, svc, "cut-end", joinAll(composed[0:4]), day(3))
	cut := ingest(t, svc, "cut-middle", joinAll(composed[0:1], composed[2:6]), day(1))
	edited := strings.Replace(joinAll(composed[0:4]), " ", " the ", 1)
	late := ingest(t, svc, "cut-end-2", edited, day(4))
	if rel := relationTo(late, cut.Article.ID); rel != dedup.RelationPartial {
		t.Fatalf("the two trimmed copies are %q to each other, want partial (the premise of this test)", rel)
	}
	if rel := relationTo(late, full.Article.ID); rel != dedup.RelationCopy {
		t.Errorf("copy cut at the end to the full copy = %q, want copy", rel)
	}
	for _, r := range []*dedup.Result{early, cut} {
		got, err := svc.GetArticle(context.Background(), r.Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ClusterID != full.Article.ClusterID {
			t.Errorf("%s left the full copy's cluster", got.ExternalID)
		}
	}
}

// An original that arrives after two of its copies, trimmed in different
// places and so only partial to each other, brings them into one family.
func TestOriginalArrivingAfterTwoTrimmedCopiesJoinsThem(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	cut := ingest(t, svc, "cut-middle", joinAll(composed[0:1], composed[2:6]), day(2))
	short := ingest(t, svc, "cut-end", joinAll(composed[0:4]), day(3))
	if rel := relationTo(short, cut.Article.ID); rel != dedup.RelationPartial {
		t.Fatalf("the two trimmed copies are %q to each other, want partial (the premise of this test)", rel)
	}
	orig := ingest(t, svc, "original", joinAll(composed[0:6]), day(1))
	for _, r := range []*dedup.Result{cut, short} {
		got, err := svc.GetArticle(context.Background(), r.Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ClusterID != orig.Article.ClusterID {
			t.Errorf("%s not in the original's cluster (original's matches %+v)", got.ExternalID, orig.Matches)
		}
	}
}
