package dedup

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Furniture rules. They describe the shape of text that is not story prose
// rather than listing phrases, so that they hold for outlets never seen:
//   - a paragraph too short to be a sentence and not ending like one
//     (headlines, "Advertisement", navigation, captions, "Skip to main content");
//   - a labelled teaser: an upper-case label and a colon ("READ MORE: ...");
//   - a byline: "By" and a few capitalised words;
//   - a parenthesised paragraph (wire credits: "(Reporting by ...; Editing by ...)");
//   - a photo caption: a paragraph that ends with a photo credit
//     ("... in Helsinki, Monday. (AP Photo/Evan Vucci)") or is followed by
//     one standing alone. Agencies syndicate their pictures with the same
//     captions, so a caption kept as prose links unrelated stories;
//   - a copyright or rights notice;
//   - a page's time stamp: a line that gives a clock time and does not end
//     like a sentence ("USA TODAY Published 1:42 p.m. ET July 15, 2018 |
//     Updated 1:48 p.m. ET July 15, 2018"). Copies of one story carry
//     their own pages' times, so these figures are the page's, not the
//     story's.
// A run of short lines of which at least minTableRows, and at least half,
// hold a figure is a table (an earnings report, results, a scoreboard):
// content, though each line alone has the shape of furniture.
// A dateline ("LONDON (Reuters) -") opening a paragraph is skipped by
// datelineEnd. Furniture stays in Clean; it is only left out of the features.
// A text that would be furniture throughout (a table of figures, a list) is
// its own content: then only notices and credits stay marked.

// minProseWords is the fewest words a paragraph needs to count as prose
// when it does not end like a sentence.
const minProseWords = 8

func markFurniture(t *Text) {
	for i := range t.Paragraphs {
		p := &t.Paragraphs[i]
		text := t.Clean[p.Start:p.End]
		p.Furniture = isFurniture(text) || isCaption(text) ||
			i+1 < len(t.Paragraphs) && isPhotoCredit(t.Clean[t.Paragraphs[i+1].Start:t.Paragraphs[i+1].End])
	}
	markTables(t)
	if slices.ContainsFunc(t.Paragraphs, func(p Paragraph) bool { return !p.Furniture }) {
		return
	}
	for i := range t.Paragraphs {
		p := &t.Paragraphs[i]
		p.Furniture = isCredit(t.Clean[p.Start:p.End])
	}
}

// minTableRows is the fewest lines with a figure that make a run of short
// lines a table. A page header, a photo gallery or a related-story list has
// a date, a time or an "Image 1 of 7" here and there; an earnings report
// has a figure on nearly every line.
const minTableRows = 3

// markTables marks as content each run of table rows in which at least
// minTableRows rows, and at least half of them, hold a figure that is not
// a timestamp. A row is a short line (furniture by shape alone) or a line
// of prose length that does not end like a sentence ("Oper shr profit 1.26
// dlrs vs loss 42 cts").
func markTables(t *Text) {
	ps := t.Paragraphs
	text := func(i int) string { return t.Clean[ps[i].Start:ps[i].End] }
	row := func(i int) bool {
		p := text(i)
		if !mayBeRow(p) || i+1 < len(ps) && isPhotoCredit(text(i+1)) {
			return false
		}
		return ps[i].Furniture || !endsSentence(p) && countWords(p, 3*minProseWords) < 3*minProseWords
	}
	for i := 0; i < len(ps); {
		j, rows := i, 0
		for ; j < len(ps) && row(j); j++ {
			if p := text(j); strings.ContainsAny(p, "0123456789") && !isTimestamp(p) {
				rows++
			}
		}
		if rows >= minTableRows && 2*rows >= j-i {
			for k := i; k < j; k++ {
				ps[k].Furniture = false
			}
		}
		i = max(j, i+1)
	}
}

// isTimestamp reports a line that gives a date or a clock time ("Updated
// 5:58 am PDT, Monday, July 16, 2018", "Jul 15, 2018 2:37 PM"): page
// furniture, whose figures do not make it a table row.
func isTimestamp(p string) bool {
	return slices.ContainsFunc(stampWords(p), func(w string) bool {
		return calendarWords[strings.TrimSuffix(w, ":")] || isClockTime(w)
	})
}

// hasClockTime reports a line that gives a clock time ("7:15 AM").
func hasClockTime(p string) bool {
	return slices.ContainsFunc(stampWords(p), isClockTime)
}

// stampWords splits a line into words as a time stamp writes them:
// letters, digits and colons ("Updated:", "5:58").
func stampWords(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ':' })
}

// calendarWords are the month and weekday names, in full and abbreviated,
// as a timestamp spells them.
var calendarWords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields("January February March April May June July August September October November December " +
		"Monday Tuesday Wednesday Thursday Friday Saturday Sunday") {
		m[w], m[w[:3]], m[strings.ToUpper(w)], m[strings.ToUpper(w[:3])] = true, true, true, true
	}
	m["Sept"] = true
	return m
}()

// isClockTime reports a word such as "2:37" or "11:05".
func isClockTime(w string) bool {
	h, mm, ok := strings.Cut(w, ":")
	return ok && len(h) >= 1 && len(h) <= 2 && len(mm) == 2 && allDigits(h) && allDigits(mm)
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// mayBeRow reports a paragraph that is not a credit, a notice, a byline, a
// labelled teaser or a caption: furniture that no table holds.
func mayBeRow(p string) bool {
	return !isCredit(p) && !strings.HasPrefix(p, "By ") && !isLabelled(p) && !isCaption(p) && !isPhotoCredit(p)
}

// isCredit reports the furniture that is never content: notices and
// parenthesised credits.
func isCredit(p string) bool {
	return isNotice(p) || strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")")
}

func isFurniture(p string) bool {
	n := countWords(p, 3*minProseWords+1)
	switch {
	case n == 0:
		return true
	case isCredit(p):
		return true
	case strings.HasPrefix(p, "By ") && n <= minProseWords && !endsSentence(p):
		return true
	case isLabelled(p) && n <= 3*minProseWords:
		return true
	case n < minProseWords && !endsSentence(p):
		return true
	case n <= 3:
		return true
	case n <= 3*minProseWords && !endsSentence(p) && hasClockTime(p):
		return true
	}
	return false
}

// isCaption reports a paragraph that ends with a photo credit.
func isCaption(p string) bool {
	if !strings.HasSuffix(p, ")") {
		return false
	}
	open := strings.LastIndexByte(p, '(')
	return open > 0 && isPhotoCredit(p[open:])
}

// isPhotoCredit reports a parenthesised photo credit: "(AP Photo/Evan
// Vucci, File)", "(Sean Gallup/Getty Images)", "(Photo by Jane Doe / AFP)".
// It names a photo, or a photographer and an agency joined by a slash
// between letters; a text credit ("(Reporting by ...)") does neither.
func isPhotoCredit(p string) bool {
	if !strings.HasPrefix(p, "(") || !strings.HasSuffix(p, ")") || countWords(p, 17) > 16 {
		return false
	}
	inner := p[1 : len(p)-1]
	if strings.ContainsAny(inner, "()") {
		return false
	}
	if strings.Contains(strings.ToLower(inner), "photo") {
		return true
	}
	for i := range len(inner) {
		if inner[i] != '/' {
			continue
		}
		before := strings.TrimRight(inner[:i], " ")
		after := strings.TrimLeft(inner[i+1:], " ")
		b, _ := utf8.DecodeLastRuneInString(before)
		a, _ := utf8.DecodeRuneInString(after)
		if unicode.IsLetter(b) && unicode.IsLetter(a) {
			return true
		}
	}
	return false
}

// isNotice reports a copyright notice. It runs on every paragraph, so it
// compares case-insensitively in place rather than lower-casing a copy.
func isNotice(p string) bool {
	return strings.Contains(p, "©") || hasPrefixFold(p, "copyright ") || containsFold(p, "all rights reserved", 6)
}

// hasPrefixFold reports whether s begins with lower, an ASCII lower-case
// string, in any case.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether s holds lower, an ASCII lower-case string,
// in any case. It finds the needle's letter at anchor (best a rare one) in
// either case with strings.IndexByte, which is vectorised, and compares the
// whole needle only around those.
func containsFold(s, lower string, anchor int) bool {
	for _, c := range []byte{lower[anchor], lower[anchor] - ('a' - 'A')} {
		for from := anchor; from < len(s); {
			i := strings.IndexByte(s[from:], c)
			if i < 0 {
				break
			}
			at := from + i - anchor
			if hasPrefixFold(s[at:], lower) {
				return true
			}
			from += i + 1
		}
	}
	return false
}

func endsSentence(p string) bool {
	r, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(".!?\"'”’»", r)
}

// isLabelled reports a paragraph that opens with an upper-case label and a
// colon, such as a teaser or a related-story link.
func isLabelled(p string) bool {
	colon := strings.IndexByte(p, ':')
	if colon < 3 || colon > 24 {
		return false
	}
	label := p[:colon]
	return strings.ToUpper(label) == label && strings.IndexFunc(label, unicode.IsLetter) >= 0
}

// datelineEnd returns the length of a dateline opening p ("LONDON (Reuters) -",
// "NEW YORK, Sept 14 (AP) —", "TURNBERRY/GLASGOW, Scotland —"), or 0. A
// dateline is a short prefix that starts with an upper-case place name and
// ends with a dash: either it names an agency in parentheses, or every word
// before its first comma is in capitals.
func datelineEnd(p string) int {
	limit := min(len(p), 80)
	dash := -1
	for _, d := range []string{" - ", " – ", " — ", " -- "} {
		if i := strings.Index(p[:limit], d); i > 0 && (dash < 0 || i < dash) {
			dash = i
		}
	}
	if dash < 0 {
		return 0
	}
	prefix := p[:dash]
	place, _, _ := strings.Cut(prefix, ",")
	place, _, _ = strings.Cut(place, "(")
	place = strings.TrimSpace(place)
	if len(place) < 2 || strings.ToUpper(place) != place || strings.IndexFunc(place, unicode.IsLetter) < 0 {
		return 0
	}
	agency := strings.Contains(prefix, "(") && strings.HasSuffix(prefix, ")")
	if !agency && strings.ContainsFunc(place, unicode.IsLower) {
		return 0
	}
	end := dash + 1
	for end < len(p) && !unicode.IsSpace(rune(p[end])) {
		end++
	}
	return end
}

// countWords counts the space-separated words of p, up to limit.
func countWords(p string, limit int) int {
	n, in := 0, false
	for _, r := range p {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			n++
			if n == limit {
				return n
			}
		}
		in = true
	}
	return n
}
