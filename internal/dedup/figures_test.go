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
	toks := []uint32{1, 2, 3, 1 << 31, 5, 6}
	figures := []figure{{0, 1}, {2, 2}, {5, 1}}
	gotToks, gotFigures, err := decodeTokens(encodeTokens(toks, figures))
	if err != nil || !slices.Equal(gotToks, toks) || !slices.Equal(gotFigures, figures) {
		t.Fatalf("round trip = %v, %v, %v; want %v, %v", gotToks, gotFigures, err, toks, figures)
	}
	// Format 1 (tokens only) still decodes.
	v1 := []byte{featuresFormatV1, 1, 0, 0, 0, 2, 0, 0, 0}
	if got, figs, err := decodeTokens(v1); err != nil || !slices.Equal(got, []uint32{1, 2}) || figs != nil {
		t.Errorf("format 1 = %v, %v, %v", got, figs, err)
	}
	for name, b := range map[string][]byte{
		"unknown format":      {9, 0},
		"short tokens":        {featuresFormat, 3, 1, 0, 0, 0},
		"figure past the end": append(encodeTokens(toks, nil), 7),
		"zero gap":            append(encodeTokens(toks, []figure{{1, 1}}), 0),
		"huge length":         append(encodeTokens(toks, nil), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
		"truncated v1":        {featuresFormatV1, 1, 0},
	} {
		if _, _, err := decodeTokens(b); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}
