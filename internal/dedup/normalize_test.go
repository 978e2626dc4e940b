package dedup

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestRepairMojibake(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"pound sign", "It cost Â£5m.", "It cost £5m."},
		{"curly apostrophe", "Russiaâ€™s war", "Russia’s war"},
		{"em dash", "Paris â€” France", "Paris — France"},
		{"latin-1 word stays", "a café in Zürich", "a café in Zürich"},
		{"plain ascii", "no damage here", "no damage here"},
		{"lone lead byte stays", "Ã alone", "Ã alone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := repairMojibake(tt.in); got != tt.want {
				t.Errorf("repairMojibake(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"case and punctuation", "Hello, World! It's 2022.", []string{"hello", "world", "its", "2022"}},
		{"curly and straight apostrophes agree", "Russia’s and Russia's", []string{"russias", "and", "russias"}},
		{"diacritics folded", "Zürich café", []string{"zurich", "cafe"}},
		{"nfkc fullwidth", "ＡＢＣ１２３ and more words", []string{"abc123", "and", "more", "words"}},
		{"hyphen splits", "69-year-old leader", []string{"69", "year", "old", "leader"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := foldedWords(tt.in + " here is enough text to count as a sentence of prose.")
			got = got[:len(tt.want)]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("words mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// foldedWords returns the folded words of a plain-text body.
func foldedWords(s string) []string {
	t := Normalize(s, FormatText)
	var out []string
	for _, tk := range tokenize(t) {
		w := appendFoldedString(nil, t.Clean[tk.start:tk.end])
		out = append(out, string(w))
	}
	return out
}

func appendFoldedString(buf []byte, s string) []byte {
	for _, r := range s {
		if isWordRune(r) {
			buf = appendFolded(buf, r)
		}
	}
	return buf
}

func TestHardWrapsJoin(t *testing.T) {
	wrapped := "The company said on Tuesday that its profits\nrose sharply in the third quarter, helped by\nstrong demand.\n    A spokesman declined to comment further."
	flat := "The company said on Tuesday that its profits rose sharply in the third quarter, helped by strong demand.\n\nA spokesman declined to comment further."
	if diff := cmp.Diff(foldedWords(flat), foldedWords(wrapped)); diff != "" {
		t.Errorf("wrapped and flat text differ (-flat +wrapped):\n%s", diff)
	}
	if n := len(Normalize(wrapped, FormatText).Paragraphs); n != 2 {
		t.Errorf("wrapped text has %d paragraphs, want 2", n)
	}
}

func TestTableIsItsOwnContent(t *testing.T) {
	table := "Shr 12 cts vs 9 cts\nNet 4.1 mln vs 3.2 mln\nRevs 88.0 mln vs 71.5 mln\n\n(Reporting by Jane Smith)"
	got := foldedWords(table)
	want := strings.Fields("shr 12 cts vs 9 cts net 4 1 mln vs 3 2 mln revs 88 0 mln vs 71 5 mln")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("words of a table = %q, want %q (the credit left out)", got, want)
	}
}

// TestTableBesideProse checks that a run of short lines with figures on
// most of them is content beside prose too (an earnings report and its
// notes), while a page header of timestamps and a photo counter is not.
func TestTableBesideProse(t *testing.T) {
	// The fourth row has the length of prose, and is a row all the same.
	table := "Shr 12 cts vs 9 cts\n\nNet 4.1 mln vs 3.2 mln\n\nYear\n\nOper shr profit 1.26 dlrs vs loss 42 cts\n\nRevs 88.0 mln vs 71.5 mln"
	note := "Year net includes a gain of 1.2 mln dlrs from the sale of a unit in Ohio, the company said."
	got := strings.Join(foldedWords(table+"\n\n"+note), " ")
	if !strings.HasPrefix(got, "shr 12 cts vs 9 cts net 4 1 mln") || !strings.HasSuffix(got, "from the sale of a unit in ohio the company said") {
		t.Errorf("words of a table and its note = %q, want both", got)
	}
	header := "By Jane Smith\n\nUpdated\n\n5:58 am PDT, Monday, July 16, 2018\n\nImage 1 of 7\n\nJul 15, 2018 2:37 PM\n\nClose\n\n" + note
	if got := strings.Join(foldedWords(header), " "); strings.Contains(got, "2018") || strings.Contains(got, "image") {
		t.Errorf("words of a page header and prose = %q, want the prose only", got)
	}

	// A copy that drops the note keeps the table as its story: it is the
	// report's copy, not a text with nothing in common with it.
	original := table + "\n\n" + note
	copied := "By Tom Hargreaves, Valley Times\n\n" + table + "\n\n(Reporting by Anna Keller; Editing by the Valley Times desk)"
	if rel, score := relationOf(t, original, copied); rel != RelationCopy {
		t.Errorf("report and its copy without the note: %q (%.2f), want copy", rel, score)
	}
	other := "Shr 55 cts vs 48 cts\n\nNet 17.6 mln vs 15.2 mln\n\nYear\n\nOper shr profit 2.10 dlrs vs loss 17 cts\n\nRevs 240.3 mln vs 199.8 mln\n\n" + note
	if rel, score := relationOf(t, original, other); rel.Clusters() {
		t.Errorf("two companies' reports of one shape: %q (%.2f), want not the same story", rel, score)
	}
}

func TestFurniture(t *testing.T) {
	prose := "The minister said the talks would continue next week in Geneva with all parties."
	tests := []struct {
		name      string
		para      string
		furniture bool
	}{
		{"prose", prose, false},
		{"short line", "Advertisement", true},
		{"navigation", "Skip to main content", true},
		{"teaser", "READ MORE: Ten things you missed this week in politics", true},
		{"byline", "By Jane Smith and John Doe", true},
		{"credit", "(Reporting by Jane Smith; Editing by John Doe)", true},
		{"copyright", "Copyright 2022 The Associated Press. All rights reserved.", true},
		{"copyright sign", "© Example News Ltd 2022, all content licensed for use.", true},
		{"short sentence", "He left.", true},
		{"quoted sentence", "“We will not give up on this country, not now,” she said.", false},
		{"time stamp", "USA TODAY Published 1:42 p.m. ET July 15, 2018 | Updated 1:48 p.m. ET July 15, 2018", true},
		{"time stamp after the date", "Originally published July 15, 2018 at 9:06 pm", true},
		{"clock time in a sentence", "Banks must make their bids by 14:00 GMT tomorrow, the central bank said.", false},
		{"clock time in a long line", "Polls opened at 7:00 in the morning and long queues formed outside schools and town halls across the country as voters waited in the rain for hours", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isFurniture(tt.para); got != tt.furniture {
				t.Errorf("isFurniture(%q) = %v, want %v", tt.para, got, tt.furniture)
			}
		})
	}
}

func TestCaptions(t *testing.T) {
	story := "The two leaders met for more than two hours in the palace, officials said on Monday."
	caption := "The president arrives at the airport in the capital on Sunday, on the eve of the meeting."
	tests := []struct {
		name, text string
		want       int // words kept
	}{
		{"credit at the end", story + "\n\n" + caption + " (AP Photo/Jane Doe, File)", 16},
		{"credit alone after it", story + "\n\n" + caption + "\n\n(Jane Doe/Getty Images)", 16},
		{"photo by", story + "\n\n" + caption + " (Photo by Jane Doe / AFP)", 16},
		{"text credit is not a caption", story + "\n\n" + caption + "\n\n(Reporting by Jane Doe; Editing by John Roe)", 33},
		{"a ratio is not a credit", story + "\n\n" + caption + " (1/2)", 35},
		{"parenthesis in prose", story + "\n\n" + caption + " (It was his first visit.)", 38},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := foldedWords(tt.text); len(got) != tt.want {
				t.Errorf("kept %d words %q, want %d", len(got), got, tt.want)
			}
		})
	}
}

func TestDateline(t *testing.T) {
	tests := []struct {
		in, rest string
	}{
		{"LONDON (Reuters) - Shares fell on Monday.", "Shares fell on Monday."},
		{"LONDON/BEIJING (Reuters) – Xi Jinping will travel.", "Xi Jinping will travel."},
		{"NEW YORK, Sept 14 (AP) — Stocks rose.", "Stocks rose."},
		{"TURNBERRY/GLASGOW, Scotland — Trump played golf.", "Trump played golf."},
		{"U.S. President Donald Trump played golf - said aides.", "U.S. President Donald Trump played golf - said aides."},
		{"The talks - which began in May - ended.", "The talks - which began in May - ended."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := strings.TrimSpace(tt.in[datelineEnd(tt.in):])
			if got != tt.rest {
				t.Errorf("after dateline: %q, want %q", got, tt.rest)
			}
		})
	}
}

func TestHTML(t *testing.T) {
	page := `<html><head><title>Site</title><script>var x = "hidden words";</script></head><body>
<nav><a href="/">Home</a> <a href="/world">World news and more sections</a></nav>
<article><h1>Talks resume</h1><p>The minister said the talks would continue next week in Geneva &amp; Bern.</p>
<figure><img src="a.jpg"><figcaption>The minister arrives for the talks in Geneva on Monday morning.</figcaption></figure>
<p>Officials from both sides <b>declined</b> to comment on the details of the plan.</p></article>
<footer>Copyright Example News</footer></body></html>`
	got := strings.Join(foldedWordsHTML(page), " ")
	want := "the minister said the talks would continue next week in geneva bern officials from both sides declined to comment on the details of the plan"
	if got != want {
		t.Errorf("html words:\n got %q\nwant %q", got, want)
	}
}

func foldedWordsHTML(s string) []string {
	t := Normalize(s, FormatHTML)
	var out []string
	for _, tk := range tokenize(t) {
		out = append(out, string(appendFoldedString(nil, t.Clean[tk.start:tk.end])))
	}
	return out
}

func TestOriginalOffsets(t *testing.T) {
	body := "Headline\n\nThe minister said the talks would continue next week in Geneva.\nA spokesman confirmed the plan."
	txt := Normalize(body, FormatText)
	for _, tk := range tokenize(txt) {
		w := txt.Clean[tk.start:tk.end]
		s, e := txt.Original(tk.start, false), txt.Original(tk.end, true)
		if body[s:e] != w {
			t.Errorf("token %q maps to %q", w, body[s:e])
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("LONDON (Reuters) - Plain text with Â£ mojibake.\n\nSecond paragraph.", false)
	f.Add("<p>Some <b>html</b> &amp; entities</p><script>x</script>", true)
	f.Add("\xff\xfe broken utf8 \xc3", false)
	f.Fuzz(func(t *testing.T, body string, html bool) {
		format := FormatText
		if html {
			format = FormatHTML
		}
		txt, fp := Analyze(body, format)
		if !utf8.ValidString(txt.Clean) {
			t.Fatalf("Clean is not valid UTF-8: %q", txt.Clean)
		}
		for _, tk := range tokenize(txt) {
			s, e := txt.Original(tk.start, false), txt.Original(tk.end, true)
			if s < 0 || e > len(body) || s > e {
				t.Fatalf("token [%d,%d) maps outside the body [%d,%d) of %d bytes", tk.start, tk.end, s, e, len(body))
			}
		}
		if fp.Tokens > 0 && len(fp.Keys) == 0 {
			t.Fatalf("%d tokens but no candidate keys", fp.Tokens)
		}
	})
}
