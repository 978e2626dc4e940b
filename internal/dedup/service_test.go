package dedup_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

var paras = []string{
	"The city council voted on Tuesday to close the old harbour bridge for two years of repairs, after engineers found serious corrosion in the steel frame that carries most of the morning traffic into the centre.",
	"The mayor said the decision had not been taken lightly and that the council would pay for a free ferry service across the river while the work is carried out by a local building firm.",
	"Shop owners on both banks warned that the closure could cost them a large part of their trade, and several of them asked the council to keep one lane open for buses and bicycles during the day.",
	"Engineers told the meeting that the frame had been painted over many times since the bridge opened in 1932, which hid the damage from the regular inspections that were made every five years.",
	"The repairs are expected to cost about forty million pounds, most of which will come from a national fund for transport projects that the government set up after a bridge collapsed in the north last spring.",
}

var unrelated = "Scientists at the national observatory reported on Friday that a comet discovered last winter will pass close enough to the earth in October to be seen without a telescope from most of the northern hemisphere, weather permitting, for about two weeks."

func ingest(t *testing.T, svc *dedup.Service, id, body string, published time.Time) *dedup.Result {
	t.Helper()
	res, err := svc.Ingest(context.Background(), dedup.ArticleInput{ExternalID: id, Source: "test", Body: body, PublishedAt: published})
	if err != nil {
		t.Fatalf("ingest %s: %v", id, err)
	}
	return res
}

func day(n int) time.Time { return time.Date(2022, 9, n, 12, 0, 0, 0, time.UTC) }

func TestIngestClustersCopiesAndLinksPartials(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	orig := ingest(t, svc, "orig", strings.Join(paras, "\n\n"), day(1))
	cp := ingest(t, svc, "copy", "Bridge to close\n\n"+strings.Join(paras[:4], "\n\n"), day(2))
	if cp.Article.ClusterID != orig.Article.ClusterID {
		t.Fatalf("copy in cluster %d, original in %d", cp.Article.ClusterID, orig.Article.ClusterID)
	}
	if cp.Cluster.CanonicalID != orig.Article.ID {
		t.Errorf("canonical = %d, want the earliest published %d", cp.Cluster.CanonicalID, orig.Article.ID)
	}
	follow := ingest(t, svc, "follow", strings.Join([]string{unrelated, paras[0], unrelated + " Astronomers were delighted.", paras[3]}, "\n\n"), day(3))
	if follow.Article.ClusterID == orig.Article.ClusterID {
		t.Fatal("follow-up merged into the story's cluster")
	}
	if len(follow.Matches) == 0 || follow.Matches[0].Relation != dedup.RelationPartial {
		t.Fatalf("follow-up matches = %+v, want a partial link first", follow.Matches)
	}
	alone := ingest(t, svc, "alone", unrelated+" "+strings.Repeat("Nothing else happened. ", 3), day(4))
	for _, m := range alone.Matches {
		if m.ArticleID == orig.Article.ID {
			t.Errorf("unrelated article linked to the story: %+v", m)
		}
	}
}

func TestIngestIsIdempotentAndReplacesChangedBodies(t *testing.T) {
	ctx := context.Background()
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	first := ingest(t, svc, "a", strings.Join(paras, "\n\n"), day(1))
	again := ingest(t, svc, "a", strings.Join(paras, "\n\n"), day(1))
	if !first.Created || again.Created || again.Updated || again.Article.ID != first.Article.ID {
		t.Fatalf("second post: created=%v updated=%v id=%d, want the stored article %d unchanged", again.Created, again.Updated, again.Article.ID, first.Article.ID)
	}
	changed := ingest(t, svc, "a", unrelated, day(1))
	if !changed.Updated || changed.Article.ID != first.Article.ID {
		t.Fatalf("changed body: updated=%v id=%d", changed.Updated, changed.Article.ID)
	}
	got, err := svc.GetArticle(ctx, first.Article.ID)
	if err != nil || got.Body != unrelated {
		t.Fatalf("stored body after update = %q, %v", got.Body, err)
	}
	old, err := svc.Ingest(ctx, dedup.ArticleInput{ExternalID: "v", Source: "test", Body: unrelated, Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	lower, err := svc.Ingest(ctx, dedup.ArticleInput{ExternalID: "v", Source: "test", Body: paras[0], Version: 1})
	if err != nil || lower.Updated || lower.Article.Body != unrelated || lower.Article.ID != old.Article.ID {
		t.Fatalf("lower version replaced the stored one: %+v %v", lower.Article, err)
	}
}

func TestDeleteSplitsClusterHeldTogetherByOneArticle(t *testing.T) {
	ctx := context.Background()
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	full := ingest(t, svc, "full", strings.Join(paras, "\n\n"), day(1))
	head := ingest(t, svc, "head", strings.Join(paras[:3], "\n\n"), day(2))
	tail := ingest(t, svc, "tail", strings.Join(paras[2:], "\n\n"), day(3))
	if head.Article.ClusterID != full.Article.ClusterID || tail.Article.ClusterID != full.Article.ClusterID {
		t.Fatalf("clusters %d %d %d, want one", full.Article.ClusterID, head.Article.ClusterID, tail.Article.ClusterID)
	}
	if err := svc.DeleteArticle(ctx, full.Article.ID); err != nil {
		t.Fatal(err)
	}
	h, _ := svc.GetArticle(ctx, head.Article.ID)
	tl, _ := svc.GetArticle(ctx, tail.Article.ID)
	if h.ClusterID == tl.ClusterID {
		t.Errorf("head and tail still share cluster %d after the article joining them was deleted", h.ClusterID)
	}
	c, err := svc.GetCluster(ctx, h.ClusterID)
	if err != nil || c.CanonicalID != head.Article.ID {
		t.Errorf("cluster after delete = %+v, %v; want head canonical", c, err)
	}
	if err := svc.DeleteArticle(ctx, full.Article.ID); !errors.Is(err, dedup.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}

func TestValidation(t *testing.T) {
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	tests := []struct {
		name  string
		in    dedup.ArticleInput
		field string
	}{
		{"empty body", dedup.ArticleInput{Body: "  "}, "body"},
		{"bad format", dedup.ArticleInput{Body: paras[0], Format: "pdf"}, "format"},
		{"invalid utf8", dedup.ArticleInput{Body: paras[0], Title: "\xff"}, "title"},
		{"no words", dedup.ArticleInput{Body: "<script>x()</script>", Format: dedup.FormatHTML}, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Ingest(context.Background(), tt.in)
			var ve *dedup.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field || !errors.Is(err, dedup.ErrInvalid) {
				t.Errorf("err = %v, want a ValidationError on %s", err, tt.field)
			}
		})
	}
}

// writeThruParagraphs makes n distinct paragraphs of pseudo-prose: words
// drawn from a fixed vocabulary by a seeded generator, so that no two
// paragraphs share a phrase.
func writeThruParagraphs(n int) []string {
	vocab := strings.Fields(`the a of to in and on for with that by from as at said council minister
		report police river bridge market company city court hospital school budget vote plan union
		workers price energy water road train station farmers election party leader talks deal
		strike rain storm fire museum museum's harbour airport village mayor judge doctors nurses
		teachers students families residents officials engineers scientists reporters shares profits
		losses exports imports taxes loans rents wages prices rates jobs homes streets buses ferries`)
	x := uint64(42)
	next := func() int {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int(x % uint64(len(vocab)))
	}
	out := make([]string, n)
	for i := range out {
		words := make([]string, 45)
		for j := range words {
			words[j] = vocab[next()]
		}
		out[i] = strings.Join(words, " ") + "."
	}
	return out
}

func TestWriteThrusStayInOneFamily(t *testing.T) {
	p := writeThruParagraphs(14)
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	// Each version puts new paragraphs on top and trims the bottom of the
	// one before; the third shares only six of the first version's eight.
	v1 := ingest(t, svc, "v1", strings.Join(p[2:10], "\n\n"), day(1))
	v2 := ingest(t, svc, "v2", strings.Join(p[0:10], "\n\n"), day(2))
	v3 := ingest(t, svc, "v3", strings.Join(append(p[10:12:12], p[0:8]...), "\n\n"), day(3))
	for _, r := range []*dedup.Result{v2, v3} {
		if got := r.Article.ClusterID; got != v1.Article.ClusterID {
			t.Errorf("%s is in cluster %d, the first version in %d (matches %+v)", r.Article.ExternalID, got, v1.Article.ClusterID, r.Matches)
		}
	}
}

// A stored article whose body is replaced is matched by its new text, even
// after its old profile was read for another article's matching.
func TestReplacedArticleIsMatchedByItsNewBody(t *testing.T) {
	ctx := context.Background()
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	p := writeThruParagraphs(12)
	a := ingest(t, svc, "a", strings.Join(p[0:5], "\n\n"), day(1))
	if b := ingest(t, svc, "b", strings.Join(p[0:4], "\n\n"), day(2)); relationTo(b, a.Article.ID) != dedup.RelationCopy {
		t.Fatalf("b to a = %q, want copy", relationTo(b, a.Article.ID))
	}
	replaced, err := svc.Ingest(ctx, dedup.ArticleInput{ExternalID: "a", Source: "test", Body: strings.Join(p[6:11], "\n\n"), PublishedAt: day(1), Version: 2})
	if err != nil || !replaced.Updated {
		t.Fatalf("replacing a: updated=%v, %v", replaced != nil && replaced.Updated, err)
	}
	c := ingest(t, svc, "c", strings.Join(p[6:10], "\n\n"), day(3))
	if got := relationTo(c, a.Article.ID); got != dedup.RelationCopy {
		t.Errorf("copy of a's new body to a = %q, want copy", got)
	}
	d := ingest(t, svc, "d", strings.Join(p[0:4], "\n\n"), day(4))
	if got := relationTo(d, a.Article.ID); got != "" {
		t.Errorf("copy of a's old body to a = %q, want no link", got)
	}
}

// An article stored with an older fingerprint version is re-indexed when it
// is submitted again unchanged; once current, submitting it again changes
// nothing.
func TestStaleFingerprintIsReindexedOnResubmission(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	svc := dedup.NewService(st, dedup.Options{})
	body := strings.Join(paras, "\n\n")
	a := ingest(t, svc, "a", body, day(1))
	// Make the stored row look like one written by an older version, with
	// none of the candidate keys the current version gives.
	_, fp := dedup.Analyze(body, dedup.FormatText)
	fp.Version, fp.Keys = dedup.FingerprintVersion-1, nil
	err := st.LockClusters(ctx, []int64{a.Article.ID}, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.ReplaceArticle(ctx, a.Article, fp)
	})
	if err != nil {
		t.Fatal(err)
	}
	again := ingest(t, svc, "a", body, day(1))
	if !again.Updated {
		t.Fatal("resubmitting an article with a stale fingerprint: updated = false, want it re-indexed")
	}
	fps, err := st.ListFingerprints(ctx, []int64{a.Article.ID})
	if err != nil || len(fps) != 1 {
		t.Fatalf("fingerprints = %v, %v", fps, err)
	}
	if got := fps[0].Fingerprint.Version; got != dedup.FingerprintVersion {
		t.Errorf("re-indexed fingerprint: version %d, want %d", got, dedup.FingerprintVersion)
	}
	// A copy finds it again through its keys.
	if cp := ingest(t, svc, "copy", body, day(2)); cp.Article.ClusterID != again.Article.ClusterID {
		t.Errorf("copy in cluster %d, re-indexed article in %d", cp.Article.ClusterID, again.Article.ClusterID)
	}
	if third := ingest(t, svc, "a", body, day(1)); third.Updated {
		t.Error("resubmitting a current article: updated = true, want unchanged")
	}
}

// Two rewrites spun independently from one story, which arrive before it,
// share too little to be the same story as each other. The original, which
// accounts for each of them as each accounts for it, brings them into one
// family. Texts too short for such a mutual link to mean anything (daily
// reports written to one template) are not merged that way.
func TestOriginalArrivingAfterTwoRewritesJoinsThem(t *testing.T) {
	// respin replaces words [from, to) of every paragraph.
	respin := func(ps []string, from, to int) string {
		out := make([]string, len(ps))
		for i, p := range ps {
			w := strings.Fields(p)
			for j := from; j < to; j++ {
				w[j] = "re" + strings.TrimSuffix(w[j], ".") + "d"
			}
			out[i] = strings.Join(w, " ")
		}
		return strings.Join(out, "\n\n")
	}
	for _, tc := range []struct {
		paragraphs int
		merged     bool
	}{{6, true}, {2, false}} {
		ps := writeThruParagraphs(tc.paragraphs)
		svc := dedup.NewService(memstore.New(), dedup.Options{})
		r1 := ingest(t, svc, "r1", respin(ps, 0, 12), day(2))
		r2 := ingest(t, svc, "r2", respin(ps, 12, 24), day(3))
		if got := relationTo(r2, r1.Article.ID); got.Clusters() {
			t.Fatalf("%d paragraphs: the two rewrites are %q to each other; the test needs them apart", tc.paragraphs, got)
		}
		orig := ingest(t, svc, "orig", strings.Join(ps, "\n\n"), day(1))
		if !relationTo(orig, r1.Article.ID).Clusters() || !relationTo(orig, r2.Article.ID).Clusters() {
			t.Fatalf("%d paragraphs: original to the rewrites = %q, %q; want the same story", tc.paragraphs, relationTo(orig, r1.Article.ID), relationTo(orig, r2.Article.ID))
		}
		r1again := ingest(t, svc, "r1", respin(ps, 0, 12), day(2))
		r2again := ingest(t, svc, "r2", respin(ps, 12, 24), day(3))
		if merged := r1again.Article.ClusterID == r2again.Article.ClusterID; merged != tc.merged {
			t.Errorf("%d paragraphs: rewrites in clusters %d and %d, original in %d; want them merged: %v",
				tc.paragraphs, r1again.Article.ClusterID, r2again.Article.ClusterID, orig.Article.ClusterID, tc.merged)
		}
	}
}
