package dedup

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped are elements whose whole content is not article text: code,
// page furniture (navigation, headers, footers, asides, forms) and captions.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Svg: true,
	atom.Iframe: true, atom.Figcaption: true, atom.Head: true, atom.Object: true,
	atom.Textarea: true, atom.Label: true, atom.Dialog: true, atom.Menu: true,
}

// blocks are elements that start a new line of text.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true,
	atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Section: true,
	atom.Article: true, atom.Main: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Table: true, atom.Pre: true, atom.Hr: true, atom.Dd: true, atom.Dt: true,
	atom.Dl: true, atom.Figure: true, atom.Title: true, atom.Body: true,
}

// htmlLines extracts the text of an HTML document as lines, one per block,
// each text node a piece that remembers where it stood in the source. It
// uses the x/net/html tokenizer, which follows the HTML5 spec for entities,
// comments and malformed markup.
func htmlLines(body string) []line {
	z := html.NewTokenizer(strings.NewReader(body))
	var (
		out  []line
		cur  line
		skip int // depth inside skipped elements
		off  int
	)
	flush := func() {
		if n := len(cur.pieces); n > 0 {
			last := &cur.pieces[n-1]
			last.s = strings.TrimRight(last.s, " ")
			cur.s = strings.TrimRight(cur.s, " ")
		}
		if cur.s != "" {
			cur.block = true
			out = append(out, cur)
		}
		cur = line{}
	}
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			flush()
			return out
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] && tt != html.SelfClosingTagToken && !voidElement(a) {
				skip = adjustSkip(skip, tt == html.StartTagToken)
			}
			if blocks[a] {
				flush()
			}
		case html.TextToken:
			if skip == 0 {
				addPiece(&cur, string(z.Text()), off, off+raw)
			}
		}
		off += raw
	}
}

func adjustSkip(skip int, open bool) int {
	if open {
		return skip + 1
	}
	if skip > 0 {
		return skip - 1
	}
	return 0
}

func voidElement(a atom.Atom) bool {
	return a == atom.Br || a == atom.Hr || a == atom.Img || a == atom.Input || a == atom.Meta || a == atom.Link
}

// addPiece appends a text node to the current line with its whitespace
// collapsed to single spaces.
func addPiece(cur *line, text string, orig, end int) {
	collapsed := strings.Join(strings.FieldsFunc(text, unicode.IsSpace), " ")
	if collapsed == "" {
		if cur.s != "" && !strings.HasSuffix(cur.s, " ") {
			cur.s += " "
			cur.pieces = append(cur.pieces, piece{s: " ", orig: orig, end: orig})
		}
		return
	}
	if unicode.IsSpace(rune(text[0])) && cur.s != "" && !strings.HasSuffix(cur.s, " ") {
		collapsed = " " + collapsed
	}
	if unicode.IsSpace(rune(text[len(text)-1])) {
		collapsed += " "
	}
	if cur.s == "" {
		collapsed = strings.TrimLeft(collapsed, " ")
	}
	cur.s += collapsed
	cur.pieces = append(cur.pieces, piece{s: collapsed, orig: orig, end: end})
}
