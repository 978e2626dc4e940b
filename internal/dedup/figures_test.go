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

func TestFeaturesRoundTrip(t *testing.T) {
	toks := []uint32{1, 2, 3, 1 << 31, 5, 6, 7, 8}
	figures := []figure{{0, 1}, {2, 2}, {5, 1}, {7, 1}}
	runs := []tokenRun{{1, 1}, {4, 4}}
	p := newProfile(toks, figures)
	p.setRecurring(runs)
	got, err := decodeFeatures(encodeFeatures(p))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.toks, toks) || !slices.Equal(got.figures, figures) || !slices.Equal(got.recurring, runs) {
		t.Fatalf("round trip = %v, %v, %v; want %v, %v, %v", got.toks, got.figures, got.recurring, toks, figures, runs)
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
	if got, err := decodeFeatures(v2); err != nil || !slices.Equal(got.toks, []uint32{1, 2}) || !slices.Equal(got.figures, []figure{{1, 1}}) || got.recurring != nil {
		t.Errorf("format 2 = %v, %v", got, err)
	}
	plain := encodeFeatures(newProfile(toks, nil))
	for name, b := range map[string][]byte{
		"unknown format":      {9, 0},
		"short tokens":        {featuresFormat, 3, 1, 0, 0, 0},
		"no figure count":     plain[:len(plain)-1],
		"figure past the end": append(slices.Clone(plain[:len(plain)-1]), 1, 9, 0),
		"zero gap":            append(slices.Clone(plain[:len(plain)-1]), 1, 0, 0),
		"huge length":         append(slices.Clone(plain[:len(plain)-1]), 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
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
	p := newProfile(toks, []figure{{0, 1}, {2, 2}})
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
		if !slices.Equal(q.toks, p.toks) || !slices.Equal(q.figures, p.figures) || !slices.Equal(q.recurring, p.recurring) {
			t.Errorf("%v: decode, encode, decode = %+v, want %+v", b, q, p)
		}
	})
}
