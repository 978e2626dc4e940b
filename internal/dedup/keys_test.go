package dedup

import (
	"strings"
	"testing"
	"unicode"
)

// A rewrite whose spinner replaced every lower-case content word shares no
// shingle with its source, so no LSH band or passage anchor: the stopwords
// it kept are what find it.
func TestSkeletonKeysFindAFullySpunRewrite(t *testing.T) {
	base := join(story...)
	words := strings.Split(base, " ")
	for i, w := range words {
		core := strings.TrimRight(w, ".,")
		if core == "" || stopwords[core] || !unicode.IsLower(rune(core[0])) {
			continue
		}
		words[i] = "syn" + core + w[len(core):]
	}
	spun := strings.Join(words, " ")

	// Without the skeleton the two would never be compared: no LSH band,
	// SimHash block or passage anchor is shared.
	skeleton := keySet(skeletonKeys(skeletonOf(spun)))
	foundOnlyBy(t, "skeleton", base, spun, skeleton)
	if rel, score := relationOf(t, base, spun); rel != RelationRewrite {
		t.Errorf("fully spun text = %q (%.2f), want a rewrite", rel, score)
	}
	// An unrelated text on the same subject shares no skeleton key.
	_, fo := Analyze(join(other...), FormatText)
	for _, k := range fo.Keys {
		if skeleton[k] {
			t.Errorf("an independent text shares skeleton key %x with the spun one", k)
		}
	}
}

func keySet(keys []uint64) map[uint64]bool {
	set := make(map[uint64]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}

// foundOnlyBy fails the test unless spun shares keys of the kind named
// what with base, and no other keys but those in besides: the kind is what
// makes the two candidates of each other.
func foundOnlyBy(t *testing.T, what, base, spun string, kind map[uint64]bool, besides ...map[uint64]bool) {
	t.Helper()
	via, elsewhere := sharedKeys(base, spun, kind, besides...)
	if via == 0 {
		t.Fatalf("the spun text shares no %s key with its source (%d other keys)", what, elsewhere)
	}
	if elsewhere != 0 {
		t.Errorf("the spun text shares %d other keys: this test no longer shows what %s keys are for", elsewhere, what)
	}
}

// sharedKeys counts the candidate keys that texts a and b share: those in
// kind, and the others but those in besides.
func sharedKeys(a, b string, kind map[uint64]bool, besides ...map[uint64]bool) (inKind, elsewhere int) {
	_, fa := Analyze(a, FormatText)
	_, fb := Analyze(b, FormatText)
	shared := keySet(fa.Keys)
next:
	for _, k := range fb.Keys {
		switch {
		case !shared[k]:
		case kind[k]:
			inKind++
		default:
			for _, other := range besides {
				if other[k] {
					continue next
				}
			}
			elsewhere++
		}
	}
	return inKind, elsewhere
}

func skeletonOf(text string) []uint64 {
	_, _, p := analyze(text, FormatText)
	grams, _, _ := skeletonGrams(p.toks, skeletonWords)
	return grams
}

// A rewrite whose spinner replaced function words as well as content words
// shares no shingle, passage or stopword run with its source, but it names
// the same people, places and amounts: it shares their name-set keys. A
// report on the same event by other reporters names some of them, not
// most, and shares none.
func TestNameKeysFindARewriteSpunThroughout(t *testing.T) {
	base := join(
		"Officials in Oslo said on Tuesday that Anna Berg, who chairs the fisheries council, had reached an agreement with ministers from Iceland and Denmark to cut the annual cod quota by 12 percent from the start of next year.",
		"The cut follows a survey by scientists in Bergen which found that the stock of cod in the northern seas had fallen to 1.2 million tonnes, its lowest level since 1991, after several warm winters and heavy fishing.",
		"Fishermen in Tromso and Hammerfest said the decision would cost the northern fleet about 80 million crowns a year, and their union asked the government for help with loans for the smaller boats.",
	)
	spun := spinThroughout(base)

	_, _, pb := analyze(spun, FormatText)
	names := keySet(nameKeys(pb))
	// Entity keys find it too: it names the people in the same order
	// (see TestEntityKeysFindATrimmedRewriteSpunThroughout).
	foundOnlyBy(t, "name-set", base, spun, names, keySet(entityKeys(pb)))

	other := join(
		"Ministers from Iceland and Denmark met in Reykjavik on Tuesday to discuss the herring season, which opens in the summer, and agreed to share data on their catches with the boats of smaller nations.",
		"The minister who leads the delegation from Iceland, Jon Olafsson, said the quotas for herring would stay as they were last year, at 300,000 tonnes, after a survey of the stock by scientists in Bergen.",
	)
	_, fo := Analyze(other, FormatText)
	for _, k := range fo.Keys {
		if names[k] {
			t.Errorf("a report on another catch with some of the same names shares name key %x", k)
		}
	}
	_, _, small := analyze("Officials said on Tuesday that the talks in Oslo would go on. Anna Berg was there.", FormatText)
	if keys := nameKeys(small); keys != nil {
		t.Errorf("a text with %d names and figures has name keys %x; want none under %d", len(small.names)+len(small.figures), keys, minNameSet)
	}
}

// A trimmed rewrite whose spinner replaced function words as well as
// content words shares no shingle or stopword run with its source, and it
// names only half of the source's people and places, too few for their
// name-set keys to agree. It names them in the source's order: it shares
// entity keys. A report on the same talks that names the same people in
// its own order shares none.
func TestEntityKeysFindATrimmedRewriteSpunThroughout(t *testing.T) {
	paragraphs := []string{
		"Officials in Oslo said on Tuesday that Anna Berg, who chairs the fisheries council, had reached an agreement with the ministers of Iceland and Denmark to cut the annual quota for cod by 12 percent from the start of next year, after months of difficult talks.",
		"The cut follows a survey by scientists at the institute in Bergen which found that the stock of cod in the northern seas had fallen to 1.2 million tonnes, its lowest level since 1991, after several warm winters and many years of heavy fishing by large trawlers.",
		"Fishermen in Tromso and Hammerfest said the decision would cost the northern fleet about 80 million crowns a year, and Per Dahl, who leads their union, asked the prime minister for cheap loans to help the owners of the smaller boats through the winter.",
		"Talks with Russia on the shared stock will resume in Moscow in March, said Olav Nilsen, a spokesman for the ministry, who added that officials in Murmansk had proposed a smaller cut of 8 percent and wanted a new survey of the stock first.",
	}
	base := join(paragraphs...)
	spun := spinThroughout(join(paragraphs[:2]...))

	_, _, pb := analyze(spun, FormatText)
	foundOnlyBy(t, "entity", base, spun, keySet(entityKeys(pb)))

	other := join(
		"The prime minister met fishermen from Hammerfest and Tromso in Oslo on Tuesday, and Per Dahl, who leads their union, told her that Anna Berg had agreed to the cut without asking the northern ports what it would cost them.",
		"Scientists from Bergen will count the stock again in March, before the ministers of Denmark and Iceland meet in Moscow with officials from Russia, and the council expects a report on the state of the cod by the end of the year, a spokesman said.",
	)
	_, _, pbase := analyze(base, FormatText)
	_, _, po := analyze(other, FormatText)
	named := keySet(entitySequence(pbase))
	common := 0
	for _, e := range entitySequence(po) {
		if named[e] {
			common++
		}
	}
	if common < minNameSet {
		t.Fatalf("the other report names %d of the source's entities: too few to show that order matters", common)
	}
	runs := keySet(entityRuns(pbase))
	for _, r := range entityRuns(po) {
		if runs[r] {
			t.Errorf("a report naming the same people in its own order shares a run of %d of them with the source", entityRun)
		}
	}
}

// spinThroughout replaces a text's function words with paraphrases and its
// other lower-case words with made-up synonyms, as a spinner whose
// thesaurus covers both would; names and figures stay.
func spinThroughout(text string) string {
	swap := map[string]string{"in": "inside", "on": "upon", "that": "which", "the": "this", "of": "concerning", "had": "has",
		"with": "alongside", "from": "out of", "to": "towards", "by": "via", "a": "one", "its": "their", "and": "plus",
		"would": "will", "about": "around", "their": "its", "for": "towards", "since": "after", "which": "that", "was": "is", "at": "within"}
	words := strings.Split(text, " ")
	for i, w := range words {
		core := strings.TrimRight(w, ".,")
		switch {
		case core == "":
		case swap[core] != "":
			words[i] = swap[core] + w[len(core):]
		case unicode.IsLower(rune(core[0])):
			words[i] = "syn" + core + w[len(core):]
		}
	}
	return strings.Join(words, " ")
}

func TestEntitySequence(t *testing.T) {
	_, _, p := analyze("Officials said that the minister, Anna Berg, had met her colleague Jon Olafsson at a hotel in Oslo on 12 May to talk about the quota, and that Berg left the meeting early in the evening.", FormatText)
	// Anna Berg | Jon Olafsson | Oslo | 12 May | Berg: adjacent names and
	// figures are one entity.
	if got := len(entitySequence(p)); got != 5 {
		t.Errorf("%d entities, want 5", got)
	}
	if keys := entityKeys(p); keys != nil {
		t.Errorf("a text with 4 distinct entities has entity keys %x; want none under %d", keys, minNameSet)
	}
}
