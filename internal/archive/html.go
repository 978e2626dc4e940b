package archive

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// htmlTitle returns the text of the first <title> element, with white
// space collapsed, or "" when there is none.
func htmlTitle(doc []byte) string {
	z := html.NewTokenizer(bytes.NewReader(doc))
	inTitle := false
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return clean(b.String())
		case html.StartTagToken:
			name, _ := z.TagName()
			if string(name) == "body" {
				return clean(b.String()) // a title belongs in the head
			}
			inTitle = string(name) == "title"
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "title" && inTitle {
				return clean(b.String())
			}
		case html.TextToken:
			if inTitle {
				b.Write(z.Text())
			}
		}
	}
}

func clean(s string) string {
	return truncateUTF8(strings.Join(strings.Fields(s), " "), maxTitleBytes)
}
