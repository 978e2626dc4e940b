package dedup

import (
	"slices"
	"strings"
	"testing"
)

// Two announcements written to one template, with different issuers and
// figures, are different stories; the same announcement reworded keeps
// its figures and stays a rewrite.
func TestTemplateTwinsAreNotTheSameStory(t *testing.T) {
	issue := func(issuer, amount, due, coupon, price, fee string) string {
		return join(
			issuer+" is issuing a "+amount+" mln dlr eurobond due April 30, "+due+" paying "+coupon+" pct and priced at "+price+" pct, the lead manager said on Tuesday in a statement to the market.",
			"The non-callable bond is available in the usual denominations and will be listed in Luxembourg, where most of the issues of this kind have been listed in recent years.",
			"The selling concession is "+fee+" pct while management and underwriting combined pays the rest, and the payment date for the bonds is the last day of the month as is usual for such an issue.",
		)
	}
	a := issue("Hertz Realty Corp", "75", "1993", "nine", "100-3/4", "1-1/4")
	twin := issue("Mony Funding Inc", "125", "1997", "8-1/8", "101-1/2", "1-3/8")
	if rel, score := relationOf(t, a, twin); rel.Clusters() {
		t.Errorf("template twins = %q (%.2f), want not the same story", rel, score)
	}
	reworded := strings.NewReplacer("is issuing", "is selling", "the lead manager said", "the lead manager stated",
		"available in", "offered in", "most of the issues", "most of the bonds").Replace(a)
	if rel, score := relationOf(t, a, reworded); !rel.Clusters() {
		t.Errorf("reworded announcement = %q (%.2f), want the same story", rel, score)
	}
	// A trimmed copy lacks the figures of the part it dropped: that is no
	// difference in figures.
	trimmed := strings.Join(strings.Split(a, "\n\n")[:2], "\n\n")
	if rel, score := relationOf(t, a, trimmed); !rel.Clusters() {
		t.Errorf("trimmed copy = %q (%.2f), want the same story", rel, score)
	}
}

// Two share offerings written to one template, by other companies
// through other banks, are different stories even with too few figures to
// tell them apart; the same offering reworded keeps its names.
func TestTemplateTwinsWithOtherNamesAreNotTheSameStory(t *testing.T) {
	offering := func(company, banks, city string) string {
		return join(
			"Shares of "+company+" rose in early trading after it said it had filed with the Securities and Exchange Commission for a proposed public offering of common shares, to be sold through a group of underwriters led by "+banks+".",
			"The company, which is based in "+city+", said it would use the proceeds of the offering to repay part of its bank debt and for general corporate purposes, including the expansion of its main plant.",
		)
	}
	a := offering("Markitstar Corp", "Morgan Stanley and Co", "Denver")
	twin := offering("Amplicon Inc", "Drexel Burnham Lambert", "Santa Ana")
	if rel, score := relationOf(t, a, twin); rel.Clusters() {
		t.Errorf("template twins = %q (%.2f), want not the same story", rel, score)
	}
	reworded := strings.NewReplacer("rose", "climbed", "early trading", "morning dealings", "proposed", "planned",
		"repay", "pay back", "expansion", "enlargement").Replace(a)
	if rel, score := relationOf(t, a, reworded); !rel.Clusters() {
		t.Errorf("reworded offering = %q (%.2f), want the same story", rel, score)
	}
}

func TestFindNames(t *testing.T) {
	text := "Officials in Helsinki said on Monday that President Sauli Niinistö would meet them. Later they left.\n\n\"We agree,\" said Mr Putin's aide, and I'm sure of it. Talks resume in Geneva."
	toks := tokenize(Normalize(text, FormatText))
	var got []string
	for _, n := range profileOfTokens(Normalize(text, FormatText).Clean, toks).names {
		t := toks[n.at]
		got = append(got, Normalize(text, FormatText).Clean[t.start:t.end])
	}
	// Not names: "Officials" and "Later" (they start a sentence), "We"
	// (after a quotation mark), "Talks" (after a full stop), "Mr" (a
	// title some outlets write and others leave out).
	want := []string{"Helsinki", "Monday", "President", "Sauli", "Niinistö", "Putin's", "Geneva"}
	if !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
	// A headline in title case gives no names, and leaves the names of
	// the story below it alone; a text in capitals gives none.
	story := "Putin And Trump Meet In Helsinki For Talks\n\nThe two leaders met on Monday in the palace of President Sauli Niinistö."
	tx := Normalize(story, FormatText)
	tks := tokenize(tx)
	got = got[:0]
	for _, n := range profileOfTokens(tx.Clean, tks).names {
		got = append(got, tx.Clean[tks[n.at].start:tks[n.at].end])
	}
	if want := []string{"Monday", "President", "Sauli", "Niinistö"}; !slices.Equal(got, want) {
		t.Errorf("names under a headline = %q, want %q", got, want)
	}
	for _, headline := range []string{"PUTIN AND TRUMP MEET IN HELSINKI FOR TALKS", "Putin And Trump Meet In Helsinki For Talks"} {
		if got := profileOfTokens(Normalize(headline, FormatText).Clean, tokenize(Normalize(headline, FormatText))).names; got != nil {
			t.Errorf("%q: names at %v, want none", headline, got)
		}
	}
}

func TestFeaturesRoundTrip(t *testing.T) {
	toks := []uint32{1, 2, 3, 1 << 31, 5, 6, 7, 8}
	figures := []wordSpan{{0, 1}, {2, 2}, {5, 1}, {7, 1}}
	names := []wordSpan{{1, 1}, {3, 1}, {4, 1}}
	runs := []tokenRun{{1, 1}, {4, 4}}
	p := newProfile(toks, figures)
	p.names = names
	p.setRecurring(runs)
	got, err := decodeFeatures(encodeFeatures(p))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.toks, toks) || !slices.Equal(got.figures, figures) || !slices.Equal(got.names, names) || !slices.Equal(got.recurring, runs) {
		t.Fatalf("round trip = %v, %v, %v, %v; want %v, %v, %v, %v", got.toks, got.figures, got.names, got.recurring, toks, figures, names, runs)
	}
	// The recurring words are marked, and so is the one shingle wholly
	// inside them (tokens 4-7).
	if want := []bool{false, true, false, false, true, true, true, true}; !slices.Equal(got.furniture, want) ||
		!slices.Equal(got.inside, []bool{false, false, false, false, true}) {
		t.Errorf("furniture = %v (shingles inside %v), want %v and shingle 4", got.furniture, got.inside, want)
	}
	// Formats 1 (tokens) and 2 (tokens, then figures to the end) still decode.
	v1 := []byte{featuresFormatV1, 1, 0, 0, 0, 2, 0, 0, 0}
	if got, err := decodeFeatures(v1); err != nil || !slices.Equal(got.toks, []uint32{1, 2}) || got.figures != nil {
		t.Errorf("format 1 = %v, %v", got, err)
	}
	v2 := []byte{featuresFormatV2, 2, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0}
	if got, err := decodeFeatures(v2); err != nil || !slices.Equal(got.toks, []uint32{1, 2}) || !slices.Equal(got.figures, []wordSpan{{1, 1}}) || got.recurring != nil {
		t.Errorf("format 2 = %v, %v", got, err)
	}
	// Format 3 (counted figures, then recurring runs) decodes without names.
	v3 := []byte{featuresFormatV3, 2, 1, 0, 0, 0, 2, 0, 0, 0, 1, 2, 0, 1, 1}
	if got, err := decodeFeatures(v3); err != nil || !slices.Equal(got.figures, []wordSpan{{1, 1}}) || got.names != nil ||
		!slices.Equal(got.recurring, []tokenRun{{1, 1}}) {
		t.Errorf("format 3 = %+v, %v", got, err)
	}
	plain := encodeFeatures(newProfile(toks, nil))
	withName := func(b ...byte) []byte { // plain with its name count and names replaced
		return append(slices.Clone(plain[:len(plain)-1]), b...)
	}
	for name, b := range map[string][]byte{
		"unknown format":      {9, 0},
		"short tokens":        {featuresFormat, 3, 1, 0, 0, 0},
		"no figure count":     plain[:len(plain)-2],
		"figure past the end": append(slices.Clone(plain[:len(plain)-2]), 1, 9, 0, 0),
		"zero gap":            append(slices.Clone(plain[:len(plain)-2]), 1, 0, 0, 0),
		"huge length":         append(slices.Clone(plain[:len(plain)-2]), 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0),
		"no name count":       plain[:len(plain)-1],
		"name past the end":   withName(1, 9),
		"repeated name":       withName(2, 1, 0),
		"missing name":        withName(2, 1),
		"run past the end":    append(slices.Clone(plain), 7, 2),
		"empty run":           append(slices.Clone(plain), 1, 0),
		"truncated run":       append(slices.Clone(plain), 1),
		"truncated v1":        {featuresFormatV1, 1, 0},
	} {
		if _, err := decodeFeatures(b); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// Stored features are read back from the database: whatever the bytes,
// decoding must not panic, and what decodes encodes back to the same
// profile (varints may be padded, so not always to the same bytes).
func FuzzDecodeFeatures(f *testing.F) {
	toks := []uint32{1, 2, 3, 4, 5, 6, 7, 8}
	p := newProfile(toks, []wordSpan{{0, 1}, {2, 2}})
	p.names = []wordSpan{{1, 1}, {5, 1}}
	p.setRecurring([]tokenRun{{1, 1}, {4, 3}})
	f.Add(encodeFeatures(p))
	f.Add(encodeFeatures(newProfile(toks, nil)))
	f.Add([]byte{featuresFormatV2, 2, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0})
	f.Add([]byte{featuresFormatV1, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeFeatures(b)
		if err != nil {
			return
		}
		q, err := decodeFeatures(encodeFeatures(p))
		if err != nil {
			t.Fatalf("re-encoded %v: %v", b, err)
		}
		if !slices.Equal(q.toks, p.toks) || !slices.Equal(q.figures, p.figures) || !slices.Equal(q.names, p.names) || !slices.Equal(q.recurring, p.recurring) {
			t.Errorf("%v: decode, encode, decode = %+v, want %+v", b, q, p)
		}
	})
}

// A version of a story is a text that the story accounts for as a copy,
// with none of its own names or figures: an excerpt with a title added
// ("Mr") or a credit line at its end is one; a text of the same template about another
// company, or with another amount, is not, even with one name or figure.
func TestVersionOf(t *testing.T) {
	story := join(
		"Shares of Markitstar rose in early trading after Larsen said the company had filed for a public offering of common shares, to be sold through a group of underwriters led by a large bank.",
		"The company said it would use the proceeds of the offering of 40 mln dlrs to repay part of its bank debt and for general corporate purposes, including the expansion of its main plant.",
		"Its chief executive said the plant would double its output within two years and that the company expected to hire several hundred workers once the work was done.",
	)
	excerpt := strings.Replace(strings.Join(strings.Split(story, "\n\n")[:2], "\n\n"), "after Larsen said", "after Mr Larsen said", 1)
	tests := []struct {
		name string
		z    string
		want bool
	}{
		{"excerpt with a title added", excerpt, true},
		{"excerpt with a credit line", excerpt + "\n\nReporting by Anna Berg in Oslo", true},
		{"another company", strings.Replace(excerpt, "Markitstar", "Amplicon", 1), false},
		{"another amount", strings.Replace(excerpt, "40 mln", "75 mln", 1), false},
	}
	for _, tt := range tests {
		y, z := profiles(story, tt.z)
		_, zInY := match(y, z)
		if got := versionOf(z, y, zInY, Thresholds{}.withDefaults()); got != tt.want {
			t.Errorf("%s: versionOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Two copies of one story trimmed in different places are two versions of
// it; the two stories that a follow-up holds whole are not, as they match
// different parts of it.
func TestTwoVersions(t *testing.T) {
	ps := strings.Split(join(story...), "\n\n")
	other := "Police said on Monday that the museum had been closed for the day after a water pipe burst in its basement, flooding the rooms where the oldest maps of the harbour are kept."
	th := Thresholds{}.withDefaults()
	full, cutMiddle := profiles(join(ps...), join(append([]string{ps[0]}, ps[2:]...)...))
	_, cutEnd := profiles(join(ps...), join(ps[:len(ps)-1]...))
	if !twoVersions(full, cutMiddle, cutEnd, th) {
		t.Errorf("two copies trimmed in different places: twoVersions = false, want true")
	}
	follow, a := profiles(join(append(ps[:2], other)...), join(ps[:2]...))
	_, b := profiles(join(ps...), other)
	if twoVersions(follow, a, b, th) {
		t.Errorf("two stories of a follow-up: twoVersions = true, want false")
	}
}

// Two days' reports written to one template, each with two figures, are
// different stories when they share no figure; the same report copied, or
// trimmed of the sentence that gives one of them, is not.
// Two issues written to one template share its boilerplate figures (the
// listing's dates, the fees, the denominations) and differ in their own:
// the amount, the coupon and the day the terms are fixed. That is a third
// of the figures, fewer than half, and still two stories; a corrected copy
// differs in one.
func TestTemplateTwinsSharingBoilerplateFiguresAreNotTheSameStory(t *testing.T) {
	issue := func(issuer, amount, coupon, fixed string) string {
		return join(
			issuer+" is issuing a "+amount+" mln dlr equity warrant eurobond due April 30, 1992 paying an indicated coupon of "+coupon+" pct and priced at par, the lead manager Nomura International said.",
			"Final terms will be fixed on April "+fixed+". The selling concession is 1-1/2 pct while management and underwriting combined pays 3/4 pct, and the bonds will be available in denominations of 5,000 dlrs and listed in Luxembourg.",
			"The payment date is April 30 and the warrants are exercisable from May 20, 1987 until the bonds mature, the lead manager added in its statement to the market.",
		)
	}
	a := issue("Nippon Shokubai Kagaku", "80", "2-1/8", "14")
	if rel, score := relationOf(t, a, issue("Zenchiku Kensetsu Kogyo", "40", "2-1/4", "13")); rel.Clusters() {
		t.Errorf("template twins = %q (%.2f), want not the same story", rel, score)
	}
	if rel, score := relationOf(t, a, issue("Nippon Shokubai Kagaku", "80", "2-1/4", "14")); !rel.Clusters() {
		t.Errorf("issue with its coupon corrected = %q (%.2f), want the same story", rel, score)
	}
}

// Copies of one story on two sites carry their own pages' time stamps;
// those figures are the page's, and the copies stay the same story.
func TestPageTimeStampsDoNotTellCopiesApart(t *testing.T) {
	body := join(
		"Officials said 12 people were hurt on Sunday when the old bridge over the river gave way during the evening rush hour in the centre of the town.",
		"The city council had voted last year to spend 3.5 million dollars on repairs to the bridge, but the work was postponed twice, the mayor told reporters on Monday.",
		"About 200 residents gathered outside the town hall to demand answers, and the regional government said it would open an inquiry into the collapse this week.",
	)
	a := join("TIMES Published 1:42 p.m. ET July 15, 2018 | Updated 1:48 p.m. ET July 15, 2018", body)
	b := join("TIMES Published 12:42 p.m. CT July 15, 2018 | Updated 12:48 p.m. CT July 15, 2018", body)
	if rel, score := relationOf(t, a, b); rel != RelationCopy {
		t.Errorf("copies with their own time stamps = %q (%.2f), want %q", rel, score, RelationCopy)
	}
}

func TestDailyReportsWithOtherFiguresAreNotTheSameStory(t *testing.T) {
	report := func(amount, rate string) string {
		return join(
			"The Federal Reserve entered the government securities market to arrange "+amount+" billion dlrs of customer repurchase agreements, a spokesman for the central bank said this morning.",
			"Dealers said that the federal funds rate was trading at "+rate+" pct when the Fed began its temporary and indirect supply of reserves to the banking system, as most of them had expected it would.",
		)
	}
	a := report("1.5", "6-1/8")
	if rel, score := relationOf(t, a, report("2.5", "6-3/16")); rel.Clusters() {
		t.Errorf("two days' reports = %q (%.2f), want not the same story", rel, score)
	}
	if rel, score := relationOf(t, a, "NEW YORK - "+a); !rel.Clusters() {
		t.Errorf("copy of the report = %q (%.2f), want the same story", rel, score)
	}
	// One figure differs, the other is shared: a corrected version, still
	// the same report.
	if rel, score := relationOf(t, a, report("1.5", "6-3/16")); !rel.Clusters() {
		t.Errorf("report with one figure corrected = %q (%.2f), want the same story", rel, score)
	}
}
