package dedup

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A story written for these tests, and variants of it.
var story = []string{
	"The city council voted on Tuesday to close the old harbour bridge for two years of repairs, after engineers found serious corrosion in the steel frame that carries most of the morning traffic into the centre.",
	"The mayor said the decision had not been taken lightly and that the council would pay for a free ferry service across the river while the work is carried out by a local building firm.",
	"Shop owners on both banks warned that the closure could cost them a large part of their trade, and several of them asked the council to keep one lane open for buses and bicycles during the day.",
	"Engineers told the meeting that the frame had been painted over many times since the bridge opened in 1932, which hid the damage from the regular inspections that were made every five years.",
	"The repairs are expected to cost about forty million pounds, most of which will come from a national fund for transport projects that the government set up after a bridge collapsed in the north last spring.",
}

// rewritten swaps content words for synonyms, as an article spinner does.
var rewritten = []string{
	"The town council voted on Tuesday to shut the old harbour bridge for two years of mending, after technicians found grave rust in the steel structure that carries most of the morning traffic into the middle.",
	"The mayor said the choice had not been made lightly and that the council would fund a free ferry service across the stream while the job is carried out by a local construction company.",
	"Store owners on both banks cautioned that the closure could cost them a big part of their business, and many of them asked the council to keep one lane open for coaches and bikes during the day.",
	"Technicians told the gathering that the structure had been painted over many times since the bridge opened in 1932, which concealed the harm from the routine checks that were done every five years.",
	"The mending is predicted to cost about forty million pounds, most of which will come from a state fund for transit schemes that the administration created after a bridge fell in the north last spring.",
}

// respun is rewritten spun again by a thesaurus that also covers function
// words ("of" -> "from", "after" -> "following", "most" -> "the majority
// of"): few stopword grams survive it.
var respun = []string{
	"The town council voted on Tuesday to shut the old harbour bridge throughout two years of mending, following technicians found grave rust in the steel structure that carries the majority of the morning traffic into the middle.",
	"The mayor stated this choice had never been made lightly as well as that the council might fund one free ferry service across this stream whereas the job is carried outside through one local construction company.",
	"Store owners on the two banks cautioned that the closure might cost them a big part of their business, and many of them asked the council to keep one lane open for coaches plus bikes throughout the day.",
	"Technicians told this gathering which the structure had been painted more than many times since this bridge opened within 1932, that concealed this harm out of the routine checks which were done every five years.",
	"The mending is predicted to cost approximately forty million pounds, the majority of which will come out of a state fund to benefit transit schemes that the administration created following a bridge fell in the north last spring.",
}

// other is a different story on the same event, written independently.
var other = []string{
	"Commuters face months of longer journeys after councillors agreed to shut the harbour crossing, a structure that has carried cars over the river for ninety years.",
	"Rust discovered during a routine survey left officials with little choice, according to a report published before the vote. Critics said warnings had been ignored for a decade.",
	"A ferry will run every twenty minutes at no charge. Traders fear empty streets and lost income, and a petition calling for a partial reopening has gathered thousands of names.",
	"Funding will largely come from central government. Work starts in March, and the council promised regular updates on its website for anyone affected by the closure.",
}

// followUp is a different story that reuses two paragraphs of story.
var followUp = []string{
	"Ferry passengers complained on Monday about long queues on the first morning of the free service, which the council had promised would make up for the closure of the bridge.",
	story[0],
	"Some travellers waited more than forty minutes in the rain, and the operator admitted that only one of its two boats had been ready in time for the start of the service.",
	story[3],
	"The council said a second boat would join the service by the end of the week and apologised to those who had been late for work or school because of the delays.",
}

func join(ps ...string) string { return strings.Join(ps, "\n\n") }

// profiles analyzes two texts.
func profiles(a, b string) (*profile, *profile) {
	_, fa := Analyze(a, FormatText)
	_, fb := Analyze(b, FormatText)
	pa, _ := profileOf(fa)
	pb, _ := profileOf(fb)
	return pa, pb
}

func relationOf(t *testing.T, a, b string) (Relation, float64) {
	t.Helper()
	return classify(compare(profiles(a, b)), Thresholds{}.withDefaults())
}

func TestClassify(t *testing.T) {
	base := join(story...)
	tests := []struct {
		name string
		a, b string
		want Relation
	}{
		{"syndicated copy with headline, dateline and boilerplate", base,
			join("Bridge to close for repairs", "LONDON (Reuters) - "+story[0], join(story[1:]...), "Advertisement", "(Reporting by Jane Smith; Editing by John Doe)"), RelationCopy},
		{"trimmed copy", base, join(story[:3]...), RelationCopy},
		{"spun rewrite", base, join(rewritten...), RelationRewrite},
		{"rewrite spun again, function words too", base, join(respun...), RelationRewrite},
		{"partial reuse", base, join(followUp...), RelationPartial},
		{"independent coverage of the same event", base, join(other...), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, score := relationOf(t, tt.a, tt.b)
			if got != tt.want {
				t.Errorf("relation = %q (score %.2f), want %q", got, score, tt.want)
			}
			if score < 0 || score > 1 {
				t.Errorf("score %.3f outside [0,1]", score)
			}
		})
	}
}

func TestClassifyIsSymmetric(t *testing.T) {
	pairs := [][2]string{{join(story...), join(rewritten...)}, {join(story...), join(respun...)}, {join(story...), join(followUp...)}, {join(story...), join(story[:3]...)}}
	for _, p := range pairs {
		r1, s1 := relationOf(t, p[0], p[1])
		r2, s2 := relationOf(t, p[1], p[0])
		if r1 != r2 || s1 != s2 {
			t.Errorf("relation depends on order: %s %.3f vs %s %.3f", r1, s1, r2, s2)
		}
	}
}

func TestThresholdsOverride(t *testing.T) {
	m := compare(profiles(join(story...), join(followUp...)))
	if rel, _ := classify(m, Thresholds{Partial: 0.99, Copy: 0.99, Rewrite: 0.99}); rel != "" {
		t.Errorf("with strict thresholds the follow-up is %q, want no link", rel)
	}
}

func TestSimHashBlocksFindNearCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shares := func(a, b uint64) bool {
		for _, k := range simHashKeys(a) {
			if slices.Contains(simHashKeys(b), k) {
				return true
			}
		}
		return false
	}
	for range 10000 {
		fp := rng.Uint64()
		near := fp ^ 1<<rng.IntN(64) ^ 1<<rng.IntN(64) // 0 to 2 bits apart
		if !shares(fp, near) {
			t.Fatalf("%016x and %016x, %d bits apart, share no block key", fp, near, bits.OnesCount64(fp^near))
		}
	}
	// Keys of one block never match another block's, and a different
	// fingerprint does not share every key.
	if fp := rng.Uint64(); shares(fp, fp^(1<<0|1<<21|1<<42)) {
		t.Errorf("fingerprints differing in every block share a key")
	}
}

// A rewrite whose function words were swapped too is found by filling its
// reworded stretches between aligned matches: without that, too few
// stopword grams survive for it to be the same story.
func TestAlignedStretchesMakeARewrite(t *testing.T) {
	m := compare(profiles(join(story...), join(respun...)))
	th := Thresholds{}.withDefaults()
	if rel, score := classifyMatched(m, th); rel.Clusters() {
		t.Fatalf("matched words alone make the pair %q (%.2f): the test text is too easy", rel, score)
	}
	if m.aligned == nil {
		t.Fatal("no stretch filled")
	}
	if rel, _ := classify(m, th); rel != RelationRewrite {
		t.Errorf("relation = %q, want rewrite", rel)
	}
}

// Alignment fills only stretches that give the same figures: a rewrite
// keeps amounts and dates, and a stretch that changes them is a different
// story's particulars (two bond issues written to one template).
func TestAlignmentKeepsFigures(t *testing.T) {
	changed := slices.Clone(respun)
	changed[3] = strings.Replace(changed[3], "1932", "1958", 1)
	if rel, score := relationOf(t, join(story...), join(changed...)); rel.Clusters() {
		t.Errorf("a respin that changes a date is %q (%.2f), want no same-story link", rel, score)
	}
}

// A pair that only alignment makes the same story must give all the same
// figures, where matched words alone may differ in a few.
func TestAlignedRewriteKeepsEveryFigure(t *testing.T) {
	base, respin := slices.Clone(story), slices.Clone(respun)
	base[4] += " Work starts on 3 March and is due to end in 2026."
	respin[4] += " Work starts on 3 March and is due to end in 2026."
	if rel, score := relationOf(t, join(base...), join(respin...)); rel != RelationRewrite {
		t.Fatalf("respin with the same figures is %q (%.2f), want rewrite", rel, score)
	}
	respin[4] = strings.Replace(respin[4], "2026", "2028", 1)
	if rel, score := relationOf(t, join(base...), join(respin...)); rel.Clusters() {
		t.Errorf("respin that changes a year is %q (%.2f), want no same-story link", rel, score)
	}
}

func TestAlignedChain(t *testing.T) {
	// Shared shingles at (a, b): the longest chain advancing in both
	// skips the crossing pair.
	p := newProfile([]uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, nil)
	q := newProfile([]uint32{1, 2, 3, 4, 5, 6, 99, 11, 12, 13, 14, 15, 16, 9, 10, 11, 12, 13}, nil)
	chain := alignedChain(p, q)
	for k := 1; k < len(chain); k++ {
		if chain[k].a <= chain[k-1].a || chain[k].b <= chain[k-1].b {
			t.Fatalf("chain %v does not advance in both texts at %d", chain, k)
		}
	}
	// q opens with p's first six words, then 11..14 at 7, then 9..13 at
	// 13: the chain takes the opening, then one of the two later runs,
	// which cross.
	if len(chain) < 3 || chain[0] != (anchor{0, 0}) {
		t.Errorf("chain = %v, want it to start at (0, 0) and go on", chain)
	}
}

// TestRelationEnoughAgreesWithClassify holds relationEnough, which skips
// the alignment when the matched words decide, to classify(compare()) on
// every pair of the test texts, both ways round.
func TestRelationEnoughAgreesWithClassify(t *testing.T) {
	texts := map[string]string{
		"story": join(story...), "rewritten": join(rewritten...), "respun": join(respun...),
		"other": join(other...), "follow-up": join(followUp...), "trimmed": join(story[:3]...),
		"respun trimmed": join(respun[:3]...), "respun with market": join(append(slices.Clone(respun), market...)...),
	}
	th := Thresholds{}.withDefaults()
	aligned := 0
	for na, a := range texts {
		for nb, b := range texts {
			if na == nb {
				continue
			}
			pa, pb := profiles(a, b)
			m := compare(pa, pb)
			want, _ := classify(m, th)
			if matched, _ := classifyMatched(m, th); matched != want {
				aligned++ // only alignment gives this pair its relation
			}
			if got := relationEnough(pa, pb, th, linked); (got != "") != (want != "") {
				t.Errorf("%s / %s: linked %q, classify says %q", na, nb, got, want)
			}
			if got := relationEnough(pa, pb, th, Relation.Clusters); got.Clusters() != want.Clusters() {
				t.Errorf("%s / %s: same story %q, classify says %q", na, nb, got, want)
			}
		}
	}
	if aligned == 0 {
		t.Error("no pair needed the alignment: the test cannot tell a skipped one")
	}
}
