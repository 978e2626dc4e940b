package archive

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is ../shared relative to the repository root.
var sharedDir = filepath.Join("..", "..", "..", "shared")

// TestRealCorpora reads the shared eval and corpus files whole: every line
// must come out as a record, or as a reject for a missing body.
func TestRealCorpora(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data missing at %s (CI=true): %v", sharedDir, err)
		}
		t.Skipf("shared data not found at %s; it sits next to the repository", sharedDir)
	}
	for _, rel := range []string{"eval/newsdup-dev/docs.jsonl", "corpora/reuters21578/docs.jsonl"} {
		t.Run(rel, func(t *testing.T) {
			path := filepath.Join(sharedDir, filepath.FromSlash(rel))
			want, err := Count(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var records, rejects int64
			for {
				rec, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var rej *RejectError
				if errors.As(err, &rej) && rej.Reason == ReasonMissingBody {
					rejects++ // Reuters has title-only briefs with an empty text
					continue
				}
				if err != nil {
					t.Fatalf("after %d records: %v", records, err)
				}
				if rec.Input.ExternalID == "" || rec.Input.Source == "" {
					t.Fatalf("%v: no id or source", rec.Pos)
				}
				records++
			}
			if records+rejects != want || records == 0 {
				t.Errorf("read %d records and %d rejects, the file has %d lines", records, rejects, want)
			}
			t.Logf("%d lines: %d records, %d rejected for a missing body", want, records, rejects)
		})
	}
}
