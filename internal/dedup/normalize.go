package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is an article body cleaned for matching: markup removed, encoding
// damage repaired, Unicode folded, and split into paragraphs. Every byte of
// Clean maps back to a byte range of the original body through spans, so a
// match can be shown where it stands in what the client sent.
type Text struct {
	Clean      string
	Paragraphs []Paragraph
	spans      []span // sorted by clean offset, covering Clean
}

// Paragraph is a block of Clean text, [Start, End) in bytes.
type Paragraph struct {
	Start, End int
	// Furniture marks text that is not part of the story: navigation,
	// captions, bylines, credits, copyright lines, one-line teasers. It is
	// kept in Clean (so offsets stay true) but left out of the features.
	Furniture bool
}

// span maps clean bytes [clean, clean+n) to original bytes [orig, origEnd).
// When the two lengths are equal the mapping is byte for byte; otherwise
// (repaired or decoded text) every byte of the span maps to the whole range.
type span struct {
	clean, n      int
	orig, origEnd int
}

// Original maps a byte offset of Clean to a byte offset of the original body.
func (t *Text) Original(off int, end bool) int {
	if len(t.spans) == 0 {
		return off
	}
	i := searchSpan(t.spans, off, end)
	s := t.spans[i]
	if s.n == s.origEnd-s.orig {
		return s.orig + (off - s.clean)
	}
	if end {
		return s.origEnd
	}
	return s.orig
}

func searchSpan(spans []span, off int, end bool) int {
	lo, hi := 0, len(spans)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		start := spans[mid].clean
		if start < off || (!end && start == off) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// textBuilder accumulates clean text with its spans.
type textBuilder struct {
	b     strings.Builder
	spans []span
}

// add appends s, which stands for original bytes [orig, origEnd).
func (tb *textBuilder) add(s string, orig, origEnd int) {
	if s == "" {
		return
	}
	tb.spans = append(tb.spans, span{clean: tb.b.Len(), n: len(s), orig: orig, origEnd: origEnd})
	tb.b.WriteString(s)
}

// Normalize cleans a body of the given format. It never fails: invalid UTF-8
// is replaced, unknown formats are read as text.
func Normalize(body string, format Format) *Text {
	var lines []line
	if format == FormatHTML {
		lines = htmlLines(body)
	} else {
		lines = textLines(body)
	}
	var tb textBuilder
	var paras []Paragraph
	for _, p := range joinWrapped(lines) {
		if len(paras) > 0 {
			at := p[0].pieces[0].orig
			tb.add("\n\n", at, at)
		}
		start := tb.b.Len()
		for i, l := range p {
			if i > 0 {
				at := l.pieces[0].orig
				tb.add(" ", at, at)
			}
			addCleanLine(&tb, l)
		}
		paras = append(paras, Paragraph{Start: start, End: tb.b.Len()})
	}
	t := &Text{Clean: tb.b.String(), Paragraphs: paras, spans: tb.spans}
	markFurniture(t)
	return t
}

// line is one line of source text, made of pieces with their original byte
// ranges (one piece for plain text; one per text node for HTML).
type line struct {
	s      string // the pieces joined
	pieces []piece
	block  bool // an HTML block boundary, an indent or a blank line precedes it
}

type piece struct {
	s         string
	orig, end int
}

func newLine(s string, orig int, block bool) line {
	return line{s: s, pieces: []piece{{s: s, orig: orig, end: orig + len(s)}}, block: block}
}

// textLines splits plain text into trimmed non-empty lines.
func textLines(body string) []line {
	var out []line
	blank := true
	off := 0
	for off <= len(body) {
		nl := strings.IndexByte(body[off:], '\n')
		end := len(body)
		if nl >= 0 {
			end = off + nl
		}
		raw := body[off:end]
		trimmed := strings.TrimFunc(raw, unicode.IsSpace)
		if trimmed == "" {
			blank = true
		} else {
			lead := strings.Index(raw, trimmed)
			indented := lead > 0 && strings.TrimLeft(raw[:lead], "\r") != ""
			out = append(out, newLine(trimmed, off+lead, blank || indented))
			blank = false
		}
		if nl < 0 {
			break
		}
		off = end + 1
	}
	return out
}

// joinWrapped groups lines into paragraphs, undoing hard line wraps: a line
// continues the previous one when that one does not end a sentence and this
// one does not start a new block.
func joinWrapped(lines []line) [][]line {
	var paras [][]line
	for i, l := range lines {
		if i > 0 && !l.block && continues(lines[i-1].s, l.s) {
			paras[len(paras)-1] = append(paras[len(paras)-1], l)
			continue
		}
		paras = append(paras, []line{l})
	}
	return paras
}

func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(".!?:;\"”’)]|", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first) || unicode.IsDigit(first) || len(prev) >= 60
}

// addCleanLine appends one line after repairing mojibake and applying NFKC,
// piece by piece. A piece that comes out unchanged keeps a byte-exact mapping
// to the original.
func addCleanLine(tb *textBuilder, l line) {
	for _, p := range l.pieces {
		s := strings.ToValidUTF8(p.s, "\uFFFD")
		s = repairMojibake(s)
		if !norm.NFKC.IsNormalString(s) {
			s = norm.NFKC.String(s)
		}
		tb.add(s, p.orig, p.end)
	}
}
