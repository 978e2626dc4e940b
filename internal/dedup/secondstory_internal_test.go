package dedup

import "testing"

// market is a second story, written for this test, that a follow-up of
// story quotes whole.
var market = []string{
	"The weekly farmers market moved indoors on Saturday for the first time in its history, after the owners of the square where it has been held since 1987 sold the land to a property developer.",
	"Stallholders said the new hall was warmer and drier but harder for shoppers to find, and several of them reported selling less than half of what they would normally take on a good morning in the square.",
	"The organisers plan to put up signs along the main road next week and to offer free parking behind the hall until the end of the year, in the hope of bringing the regular customers back.",
}

// secondStoryOf reports whether the new material that x leaves unmatched
// in y is a second story among others.
func secondStoryOf(y, x string, others ...string) bool {
	th := Thresholds{}.withDefaults()
	py, px := profiles(y, x)
	byX, _ := match(py, px)
	rest, remainder, _ := newMaterial(byX.any, th)
	ps := make([]*profile, len(others))
	for i, o := range others {
		_, fo := Analyze(o, FormatText)
		ps[i], _ = profileOf(fo)
	}
	return secondStory(rest, remainder, py, px, ps, th)
}

func TestSecondStoryIsTheMostMatchedUnrelatedText(t *testing.T) {
	x := join(story[0], story[1], story[2])
	y := join(story[0], story[1], story[2], market[0], market[1], market[2])
	small := join(other[0], market[0], other[1]) // a third of y's new material
	whole := join(market[0], market[1], market[2], other[3])
	related := y // the same story as x: x is a trimmed copy of it
	tests := []struct {
		name   string
		others []string
		want   bool
	}{
		{"the whole second story after a text with a part of it", []string{small, whole}, true},
		{"only a part of it", []string{small}, false},
		{"a text of x's story matching it all is not the second story", []string{related, small}, false},
		{"the next most matched is", []string{related, small, whole}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := secondStoryOf(y, x, tt.others...); got != tt.want {
				t.Errorf("secondStory = %v, want %v", got, tt.want)
			}
		})
	}
}
