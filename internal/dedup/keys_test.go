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

	skeleton := keySet(skeletonKeys(skeletonOf(spun)))
	viaSkeleton, elsewhere := sharedKeys(base, spun, skeleton)
	if viaSkeleton == 0 {
		t.Fatalf("the spun text shares no skeleton key with its source (%d other keys)", elsewhere)
	}
	// Without the skeleton the two would never be compared: no LSH band,
	// SimHash block or passage anchor is shared.
	if elsewhere != 0 {
		t.Errorf("the spun text shares %d keys besides its skeleton: this test no longer shows what the skeleton is for", elsewhere)
	}
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

// sharedKeys counts the candidate keys that texts a and b share: those in
// kind, and the others.
func sharedKeys(a, b string, kind map[uint64]bool) (inKind, elsewhere int) {
	_, fa := Analyze(a, FormatText)
	_, fb := Analyze(b, FormatText)
	shared := keySet(fa.Keys)
	for _, k := range fb.Keys {
		switch {
		case !shared[k]:
		case kind[k]:
			inKind++
		default:
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
	swap := map[string]string{"in": "inside", "on": "upon", "that": "which", "the": "this", "of": "concerning", "had": "has",
		"with": "alongside", "from": "out of", "to": "towards", "by": "via", "a": "one", "its": "their", "and": "plus",
		"would": "will", "about": "around", "their": "its", "for": "towards", "since": "after", "which": "that", "was": "is"}
	words := strings.Split(base, " ")
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
	spun := strings.Join(words, " ")

	_, _, pb := analyze(spun, FormatText)
	names := keySet(nameKeys(pb))
	viaNames, elsewhere := sharedKeys(base, spun, names)
	if viaNames == 0 {
		t.Fatalf("the spun text shares no name key with its source (%d other keys)", elsewhere)
	}
	if elsewhere != 0 {
		t.Errorf("the spun text shares %d keys besides its names: this test no longer shows what name keys are for", elsewhere)
	}

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
