package dedup

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// token is one normalized word of the story text.
type token struct {
	hash       uint32 // FNV-1a of the folded word; the top bit is the stopword flag
	start, end int    // byte range in Text.Clean
	figure     bool   // the word has a digit: an amount, a date, a score
}

// stopBit is the stopword flag of a token hash; t >> stopShift is 1 for a
// stopword and 0 for a content word.
const (
	stopShift = 31
	stopBit   = 1 << stopShift
)

func (t token) stop() bool { return t.hash&stopBit != 0 }

// tokenize splits the story paragraphs of t into folded words: letters and
// digits, lower-cased, with diacritics and in-word apostrophes removed
// ("Russia’s" and "Russias" are one word). Furniture paragraphs and
// datelines are skipped.
func tokenize(t *Text) []token {
	toks := make([]token, 0, len(t.Clean)/6)
	var buf []byte
	for _, p := range t.Paragraphs {
		if p.Furniture {
			continue
		}
		start := p.Start + datelineEnd(t.Clean[p.Start:p.End])
		toks, buf = appendTokens(toks, buf, t.Clean, start, p.End)
	}
	return toks
}

func appendTokens(toks []token, buf []byte, s string, from, to int) ([]token, []byte) {
	i := from
	for i < to {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		buf = buf[:0]
		for i < to {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				buf = appendFolded(buf, r)
				i += size
				continue
			}
			if isApostrophe(r) && i+size < to {
				if next, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(next) {
					i += size
					continue
				}
			}
			break
		}
		toks = append(toks, token{hash: wordHash(buf), start: start, end: i, figure: hasDigit(buf)})
	}
	return toks, buf
}

func hasDigit(w []byte) bool {
	for _, c := range w {
		if '0' <= c && c <= '9' {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘'
}

// appendFolded appends r lower-cased and without diacritics.
func appendFolded(buf []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	}
	if unicode.Is(unicode.Mn, r) {
		return buf
	}
	r = unicode.ToLower(r)
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	d := norm.NFD.Bytes(tmp[:n])
	for len(d) > 0 {
		c, size := utf8.DecodeRune(d)
		if !unicode.Is(unicode.Mn, c) {
			buf = utf8.AppendRune(buf, c)
		}
		d = d[size:]
	}
	return buf
}

// wordHash is 31 bits of FNV-1a over the folded word, with the stopword
// flag in the top bit.
func wordHash(w []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range w {
		h ^= uint32(c)
		h *= 16777619
	}
	h &^= stopBit
	if len(w) <= 10 && stopwords[string(w)] {
		h |= stopBit
	}
	return h
}
