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
	before := func(svc *dedup.Service) { ingest(t, svc, "b", storyB, day(1)) }
	partialWhicheverFirst(t, before, doc{"a", storyA, day(2)}, doc{"follow", follow, day(3)})
}

// partialWhicheverFirst ingests x and y into a new service, prepared by
// before (nil for nothing), once in each order, and checks that the two
// end in different clusters and that the one stored last links the other
// as partial.
func partialWhicheverFirst(t *testing.T, before func(*dedup.Service), x, y doc) {
	t.Helper()
	for _, yFirst := range []bool{false, true} {
		name := y.id + " stored last"
		if yFirst {
			name = x.id + " stored last"
		}
		t.Run(name, func(t *testing.T) {
			svc := dedup.NewService(memstore.New(), dedup.Options{})
			if before != nil {
				before(svc)
			}
			rx, ry := ingestPair(t, svc, yFirst, x, y)
			if rx.Article.ClusterID == ry.Article.ClusterID {
				t.Fatalf("%s and %s in one cluster (matches %+v, %+v)", x.id, y.id, rx.Matches, ry.Matches)
			}
			later, other := ry, rx
			if yFirst {
				later, other = rx, ry
			}
			if rel := relationTo(later, other.Article.ID); rel != dedup.RelationPartial {
				t.Errorf("link between %s and %s = %q, want partial", x.id, y.id, rel)
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

// A short wire story, and a longer story of other people that quotes it
// whole in its middle.
var (
	bridgeStory = []string{
		"Engineers in Dunmore closed the Kestrel Bridge on Monday after a routine inspection found cracks in two of the steel hangers that hold up its deck, the county roads office said.",
		"Alan Price, who leads the county's bridge team, said the cracks were small but that nobody could say how fast they would grow in cold weather, so the crossing would stay shut until the hangers had been replaced.",
		"Drivers were told to use the Carrow ferry or the motorway bridge ten miles upstream, and the county said it would publish a timetable for the repairs by the end of the week.",
	}
	rowingOpening = []string{
		"Maria Lopez and Carlos Mendes rowed into Lisbon harbour on Sunday evening after fifty-one days alone on the Atlantic, the first pair from Valencia to cross it without a support boat.",
		"Their boat, built by a small yard in Alicante, lost its rudder in a storm south of the Azores, and for nine days the Spanish pair steered with their oars while a Portuguese coastguard cutter followed them at a distance.",
		"Lopez said the worst moment had not been the storm but the news, picked up on their radio in the middle of the ocean, that a bridge her grandfather had helped to build was in trouble.",
	}
	rowingClosing = []string{
		"The pair will rest in Lisbon for a week before flying home, and Mendes said they had already started to plan a crossing of the Indian Ocean for the spring after next.",
		"Their sponsors said the boat would be shown at the boat show in Barcelona in March, rudder or no rudder, with the oars they had steered it with for the last nine days.",
	}
	bridgeWriteThru = []string{
		"Repairs to the Kestrel crossing at Dunmore could take three months or more, Price told reporters on Tuesday, as police began turning lorries away from its approach roads.",
		"Price added that new hangers had been ordered from a works in Sheffield and that a free shuttle bus would carry people over the river for as long as the crossing stayed shut.",
	}
)

// A story that quotes another whole inside its own (a feature that stops
// for a wire item, a digest page) is partial reuse of it, even when no
// text of its own story is stored to show that it holds a second one: it
// opens with paragraphs of its own that name other people and places, and
// goes on after the quoted passage. This holds whichever is stored first,
// as long as the quoted story came out first.
func TestStoryQuotedInsideAnotherIsPartial(t *testing.T) {
	quoting := joinAll(rowingOpening, bridgeStory, rowingClosing)
	partialWhicheverFirst(t, nil, doc{"bridge", joinAll(bridgeStory), day(1)}, doc{"rowing", quoting, day(2)})
}

// A copy of the quoted story that arrives after the quoting one joins the
// quoted story's cluster and is only partial to the quoting story: that
// story quotes the copy's story, which came out before it, even though the
// copy itself came out after.
func TestCopyAfterAQuotingStoryJoinsTheQuoted(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	b := ingest(t, svc, "bridge", joinAll(bridgeStory), day(1))
	q := ingest(t, svc, "rowing", joinAll(rowingOpening, bridgeStory, rowingClosing), day(2))
	c := ingest(t, svc, "copy", "Bridge shut over cracks\n\n"+joinAll(bridgeStory), day(3))
	if c.Article.ClusterID != b.Article.ClusterID {
		t.Errorf("the copy is not in the quoted story's cluster (matches %+v)", c.Matches)
	}
	if c.Article.ClusterID == q.Article.ClusterID {
		t.Errorf("the copy joined the quoting story's cluster (matches %+v)", c.Matches)
	}
	if rel := relationTo(c, q.Article.ID); rel != dedup.RelationPartial {
		t.Errorf("copy to the quoting story = %q, want partial", rel)
	}
}

// What a story's own later versions put around it keeps it one story: a
// write-thru with a new lede about the same people (worded anew, so that
// it matches nothing of the old text) above the old text and new
// paragraphs below it, or a page's own line above a copy. So does an excerpt published after the story
// it is taken from: a copy trimmed at both ends.
func TestWriteThruAndExcerptAreNotQuotes(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	b := ingest(t, svc, "bridge", joinAll(bridgeStory), day(1))
	w := ingest(t, svc, "write-thru", joinAll(bridgeWriteThru, bridgeStory, rowingClosing), day(2))
	if w.Article.ClusterID != b.Article.ClusterID {
		t.Errorf("the write-thru left the story's cluster (matches %+v)", w.Matches)
	}

	// A page may put a line of its own above the story (a teaser of
	// another one), naming other places and people; it is too short to
	// open a story that quotes this one.
	promo := "Sunday's market in Ashby drew stalls from Corby and Kettering, and Joan Hale of the Northamptonshire growers called it the best since May."
	p := ingest(t, svc, "page", joinAll([]string{promo}, bridgeStory, bridgeWriteThru[1:]), day(3))
	if p.Article.ClusterID != b.Article.ClusterID {
		t.Errorf("a copy under a line of the page's own left the story's cluster (matches %+v)", p.Matches)
	}

	svc = dedup.NewService(memstore.New(), dedup.Options{})
	q := ingest(t, svc, "rowing", joinAll(rowingOpening, bridgeStory, rowingClosing), day(1))
	e := ingest(t, svc, "excerpt", joinAll(bridgeStory), day(2))
	if e.Article.ClusterID != q.Article.ClusterID {
		t.Errorf("a later excerpt is not in the cluster of the story it is taken from (matches %+v)", e.Matches)
	}
}
