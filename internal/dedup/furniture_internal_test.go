package dedup

import (
	"strings"
	"testing"
)

func TestIsNotice(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"© 2024 Example Media Ltd", true},
		{"Copyright 2024 The Daily Example. All rights reserved.", true},
		{"COPYRIGHT 2024 THE DAILY EXAMPLE", true},
		{"copyright notice follows", true},
		{"This material may not be published. ALL RIGHTS RESERVED", true},
		{"Text and pictures: all Rights Reserved by the owners.", true},
		{"The council said copyright law was not the issue.", false},
		{"Copyrights were sold in 1998.", false},
		{"All rights were reserved for the visiting team, the club said.", false},
		{"all rights reserve", false},
		{"", false},
	} {
		if got := isNotice(tc.p); got != tc.want {
			t.Errorf("isNotice(%q) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// TestContainsFoldAgreesWithLowerCasing checks the in-place comparison
// against lower-casing a copy, over texts built from the needle's pieces.
func TestContainsFoldAgreesWithLowerCasing(t *testing.T) {
	const needle = "all rights reserved"
	pieces := []string{"All", "all", "ALL", " ", "rights", "Rights", "RIGHT", "s", "reserved", "Reserved", "RESERVE", "d", "é", "A", "x"}
	n := 0
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		if depth == 0 {
			n++
			want := strings.Contains(strings.ToLower(prefix), needle)
			if got := containsFold(prefix, needle, 6); got != want {
				t.Fatalf("containsFold(%q) = %v, lower-casing gives %v", prefix, got, want)
			}
			want = strings.HasPrefix(strings.ToLower(prefix), "all ")
			if got := hasPrefixFold(prefix, "all "); got != want {
				t.Fatalf("hasPrefixFold(%q) = %v, lower-casing gives %v", prefix, got, want)
			}
			return
		}
		for _, p := range pieces {
			walk(prefix+p, depth-1)
		}
	}
	walk("", 5)
	if n != 759375 {
		t.Fatalf("walked %d texts", n)
	}
}
