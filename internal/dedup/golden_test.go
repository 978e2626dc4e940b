package dedup

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenPairs pins the relation, score and similarity of near-duplicate
// and distinct pairs written for these tests, so that a change to
// normalization or scoring shows up as a diff to review. Run with -update
// to accept the new values.
func TestGoldenPairs(t *testing.T) {
	base := join(story...)
	pairs := []struct{ name, a, b string }{
		{"copy with boilerplate", base, join("Bridge to close for repairs", "LONDON (Reuters) - "+story[0], join(story[1:]...), "Advertisement")},
		{"trimmed copy", base, join(story[:3]...)},
		{"html copy", base, "<html><body><nav>Home | World</nav><article><p>" + strings.Join(story, "</p><p>") + "</p></article></body></html>"},
		{"spun rewrite", base, join(rewritten...)},
		{"partial reuse", base, join(followUp...)},
		{"same event, independent", base, join(other...)},
		{"rewrite vs follow-up", join(rewritten...), join(followUp...)},
	}
	var b strings.Builder
	th := Thresholds{}.withDefaults()
	for _, p := range pairs {
		format := FormatText
		if strings.HasPrefix(p.b, "<html>") {
			format = FormatHTML
		}
		_, fa := Analyze(p.a, FormatText)
		_, fb := Analyze(p.b, format)
		pa, _ := profileOf(fa)
		pb, _ := profileOf(fb)
		m := compare(pa, pb)
		rel, score := classify(m, th)
		if rel == "" {
			rel = "none"
		}
		sim := m.similarity(fa.SimHash, fb.SimHash)
		fmt.Fprintf(&b, "%s\t%s\t%.3f\tjaccard=%.3f\tcontainment=%.3f/%.3f\tsimhash=%d\n",
			p.name, rel, score, sim.Jaccard, sim.ContainmentA, sim.ContainmentB, sim.SimHashDistance)
	}
	path := filepath.Join("testdata", "pairs.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenPairs -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("pair scores changed (run with -update to accept):\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestFingerprintPinnedToVersion pins what a store keeps of an article (the
// content hash, the SimHash, the candidate keys and the features) for the
// current FingerprintVersion. Stored rows of one version are matched against
// new ones without being fingerprinted again, so a change to any of these
// must come with a new version; this test fails until both are changed.
func TestFingerprintPinnedToVersion(t *testing.T) {
	pinned := map[int]string{
		9:  "66f8fa59d5f7714c",
		10: "426487c420c33190",
		11: "6aa6478562eaca94",
	}
	texts := []string{join(story...), join(rewritten...), join(followUp...), join(other...)}
	h := fnv.New64a()
	for _, text := range texts {
		_, fp := Analyze(text, FormatText)
		fmt.Fprintf(h, "%d %x %x %d %x|", fp.Version, fp.ContentHash, fp.SimHash, fp.Tokens, fp.Features)
		for _, k := range fp.Keys {
			fmt.Fprintf(h, "%x,", k)
		}
	}
	got := fmt.Sprintf("%016x", h.Sum64())
	want, ok := pinned[FingerprintVersion]
	if !ok {
		t.Fatalf("no fingerprint pinned for version %d: add %d: %q", FingerprintVersion, FingerprintVersion, got)
	}
	if got != want {
		t.Errorf("fingerprints of version %d changed (%s, pinned %s): bump FingerprintVersion and pin the new value", FingerprintVersion, got, want)
	}
}
