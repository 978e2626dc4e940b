package dedup

import (
	"strings"
	"unicode/utf8"
)

// cp1252High maps the runes that Windows-1252 puts at bytes 0x80–0x9F back
// to those bytes. Text that was UTF-8, decoded as Windows-1252 (or Latin-1)
// and encoded again shows these runes in place of each multi-byte sequence:
// "’" becomes "â€™", "£" becomes "Â£".
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// cp1252Byte returns the Windows-1252 (or Latin-1) byte a rune stands for.
func cp1252Byte(r rune) (byte, bool) {
	if r >= 0x80 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252High[r]
	return b, ok
}

// repairMojibake undoes UTF-8 text that was decoded as Windows-1252. It
// looks at each run of non-ASCII runes that all have a Windows-1252 byte,
// and replaces the run by its bytes read as UTF-8 when those bytes are valid
// UTF-8 and decode to fewer runes. Text with no such run is returned as is;
// genuine Latin-1 words ("café") are not valid UTF-8 as bytes and stay.
func repairMojibake(s string) string {
	if !hasMojibakeLead(s) {
		return s
	}
	var b strings.Builder
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := cp1252Byte(r); !ok || r < 0xC2 || r > 0xF4 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		fixed, n := repairRun(s[i:])
		if n == 0 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		b.WriteString(fixed)
		i += n
	}
	return b.String()
}

// hasMojibakeLead reports whether s has a rune that could start a mis-decoded
// UTF-8 sequence (Â to ô, the lead bytes 0xC2–0xF4).
func hasMojibakeLead(s string) bool {
	for _, r := range s {
		if r >= 0xC2 && r <= 0xF4 {
			return true
		}
	}
	return false
}

// repairRun decodes one mis-decoded UTF-8 sequence at the start of s. It
// returns the repaired rune as a string and the number of bytes of s it
// replaces, or n == 0 when s does not start with one.
func repairRun(s string) (string, int) {
	lead, size := utf8.DecodeRuneInString(s)
	want := 2
	switch {
	case lead >= 0xF0:
		want = 4
	case lead >= 0xE0:
		want = 3
	}
	buf := []byte{byte(lead)}
	n := size
	for len(buf) < want && n < len(s) {
		r, sz := utf8.DecodeRuneInString(s[n:])
		c, ok := cp1252Byte(r)
		if !ok || c < 0x80 || c > 0xBF {
			return "", 0
		}
		buf = append(buf, c)
		n += sz
	}
	if len(buf) != want || !utf8.Valid(buf) {
		return "", 0
	}
	return string(buf), n
}
