package dedup_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// sharedDir returns ../shared beside the repository, skipping the test when
// it is absent (and failing under CI, where it must be there).
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs("../../../shared")
	if err == nil {
		if _, err = os.Stat(dir); err == nil {
			return dir
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("../shared is missing: %v", err)
	}
	tb.Skipf("../shared is missing (%v): real articles are read from there", err)
	return ""
}

func TestSeeds(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "seeds", "*.txt"))
	if err != nil || len(files) != 5 {
		t.Fatalf("want 5 seed articles, got %d (%v)", len(files), err)
	}
	sort.Strings(files)
	svc := dedup.NewService(memstore.New(), dedup.Options{})
	res := map[string]*dedup.Result{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)[:3]
		r, err := svc.Ingest(context.Background(), dedup.ArticleInput{ExternalID: name, Source: "seeds", Body: string(body)})
		if err != nil {
			t.Fatalf("ingest %s: %v", name, err)
		}
		res[name] = r
	}
	cluster := func(name string) int64 {
		a, err := svc.GetArticle(context.Background(), res[name].Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a.ClusterID
	}
	if cluster("001") != cluster("003") {
		t.Errorf("001 and 003 (two rewrites of one story) are in clusters %d and %d", cluster("001"), cluster("003"))
	}
	if cluster("004") == cluster("001") {
		t.Error("004 (partial reuse) was merged into the cluster of 001 and 003")
	}
	linked := map[int64]dedup.Relation{}
	for _, m := range res["004"].Matches {
		linked[m.ArticleID] = m.Relation
	}
	for _, name := range []string{"001", "003"} {
		if linked[res[name].Article.ID] != dedup.RelationPartial {
			t.Errorf("004 links to %s as %q, want partial", name, linked[res[name].Article.ID])
		}
	}
	for _, name := range []string{"000", "002"} {
		if n := len(res[name].Matches); n != 0 {
			t.Errorf("independent article %s has %d links: %+v", name, n, res[name].Matches)
		}
		for other, r := range res {
			for _, m := range r.Matches {
				if m.ArticleID == res[name].Article.ID {
					t.Errorf("%s links to independent article %s: %+v", other, name, m)
				}
			}
		}
	}
}

// bbcTexts returns the bodies of the BBC corpus and their total length.
func bbcTexts(b *testing.B) ([]string, int) {
	f, err := os.Open(filepath.Join(sharedDir(b), "corpora", "bbc_news", "docs.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var texts []string
	total := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			b.Fatal(err)
		}
		texts = append(texts, d.Text)
		total += len(d.Text)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return texts, total
}

// bbcFingerprints fingerprints every article of the BBC corpus.
func bbcFingerprints(b *testing.B) []*dedup.Fingerprint {
	texts, _ := bbcTexts(b)
	fps := make([]*dedup.Fingerprint, len(texts))
	for i, t := range texts {
		_, fps[i] = dedup.Analyze(t, dedup.FormatText)
	}
	return fps
}

// BenchmarkVerify measures candidate verification: one BBC article against
// the next verifyFanout articles of the corpus (same-section neighbours, as
// candidates mostly are), each stored profile decoded afresh as in a batch.
func BenchmarkVerify(b *testing.B) {
	const verifyFanout = 50
	fps := bbcFingerprints(b)
	b.ResetTimer()
	linked := 0
	for i := 0; i < b.N; i++ {
		q := i % (len(fps) - verifyFanout)
		linked += dedup.VerifyStored(fps[q], fps[q+1:q+1+verifyFanout])
	}
	b.ReportMetric(float64(b.N*verifyFanout)/b.Elapsed().Seconds(), "candidates/s")
	b.ReportMetric(float64(linked)/float64(b.N), "links/op")
}

// BenchmarkDecode measures decoding the stored profiles of the BBC corpus,
// what loading a candidate costs when the profile cache does not hold it.
func BenchmarkDecode(b *testing.B) {
	fps := bbcFingerprints(b)
	b.ResetTimer()
	toks := 0
	for i := 0; i < b.N; i++ {
		toks += dedup.DecodeStored(fps[i%len(fps)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(toks), "ns/token")
}

// BenchmarkAnalyze measures normalize+fingerprint throughput on the BBC
// corpus: b.SetBytes makes go test report MB/s, and articles/s is reported
// as a metric.
func BenchmarkAnalyze(b *testing.B) {
	texts, total := bbcTexts(b)
	b.SetBytes(int64(total / len(texts)))
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := 0; i < b.N; i++ {
		if _, fp := dedup.Analyze(texts[i%len(texts)], dedup.FormatText); fp.Tokens == 0 {
			b.Fatal("no tokens")
		}
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	// On a shared machine wall time depends on the neighbours; CPU time
	// spent by this process (GC included) does much less.
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "articles/cpu-s")
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
