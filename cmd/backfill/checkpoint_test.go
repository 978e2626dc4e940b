package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/archive"
)

func TestCheckpointRoundTrip(t *testing.T) {
	inputs := []string{"a.jsonl", "tree", "c.csv.gz"}
	tests := []struct {
		name string
		pos  archive.Position
		want checkpoint
	}{
		{"file", archive.Position{Input: "a.jsonl", File: "a.jsonl", Line: 7, Offset: 812}, checkpoint{Input: 0, Line: 7, Offset: 812, Records: 9}},
		{"tree", archive.Position{Input: "tree", File: filepath.Join("tree", "x", "y.txt")}, checkpoint{Input: 1, File: "x/y.txt", Records: 9}},
		{"gzip", archive.Position{Input: "c.csv.gz", File: "c.csv.gz", Line: 3, Offset: 99}, checkpoint{Input: 2, Line: 3, Offset: 99, Records: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newCheckpoint(inputs, tt.pos, 9)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c); diff != "" {
				t.Errorf("checkpoint (-want +got):\n%s", diff)
			}
			pos, err := c.position(inputs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.pos, pos); diff != "" {
				t.Errorf("position (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := (checkpoint{Input: 3}).position(inputs); err == nil {
		t.Error("a checkpoint naming a fourth input of three was accepted")
	}
}

func TestCheckpointName(t *testing.T) {
	a, err := checkpointName([]string{"x/a.jsonl", "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("x/a.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := checkpointName([]string{abs, "./b.csv"})
	if a != b {
		t.Errorf("the same inputs named two ways give %q and %q", a, b)
	}
	c, _ := checkpointName([]string{"b.csv", "x/a.jsonl"})
	if a == c {
		t.Errorf("inputs in another order give the same name %q", a)
	}
	if !strings.HasPrefix(a, "backfill:a.jsonl:") {
		t.Errorf("name %q does not start with backfill:a.jsonl:", a)
	}
}

func TestSkipper(t *testing.T) {
	pos := func(file string, line int64) archive.Position { return archive.Position{File: file, Line: line} }
	// Lines of a and b, then two files of a tree (line 0).
	records := []archive.Position{pos("a", 1), pos("a", 2), pos("b", 1), pos("b", 3), pos("t/x.txt", 0), pos("t/y.txt", 0)}
	tests := []struct {
		spec string
		want []bool // skipped
		err  bool
	}{
		{"", []bool{false, false, false, false, false, false}, false},
		{"b:3", []bool{true, true, true, true, false, false}, false},
		{"b:2", []bool{true, true, true, false, false, false}, false}, // line 2 holds no record
		{"./b:1", []bool{true, true, true, false, false, false}, false},
		{"b:9", []bool{true, true, true, true, true, true}, true},
		{"t/x.txt", []bool{true, true, true, true, true, false}, false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s := newSkipper(tt.spec)
			var got []bool
			for _, p := range records {
				got = append(got, s.skip(p))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if err := s.finish(); (err != nil) != tt.err {
				t.Errorf("finish = %v, want error %v", err, tt.err)
			}
		})
	}
}
