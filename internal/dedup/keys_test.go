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

	_, fa := Analyze(base, FormatText)
	_, fb := Analyze(spun, FormatText)
	shared := map[uint64]bool{}
	for _, k := range fa.Keys {
		shared[k] = true
	}
	skeleton := map[uint64]bool{}
	for _, k := range skeletonKeys(skeletonOf(spun)) {
		skeleton[k] = true
	}
	var viaSkeleton, elsewhere int
	for _, k := range fb.Keys {
		switch {
		case !shared[k]:
		case skeleton[k]:
			viaSkeleton++
		default:
			elsewhere++
		}
	}
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

func skeletonOf(text string) []uint64 {
	_, _, p := analyze(text, FormatText)
	return p.grams
}
