package ninjs

import (
	"encoding/json"
	"strings"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// part is one element of the ninjs 2.x headlines or bodies arrays. Other
// members (charcount, wordcount) are not needed.
type part struct {
	Role        string `json:"role"`
	ContentType string `json:"contenttype"`
	Value       string `json:"value"`
}

// decodeContent picks the headline and the body. ninjs 2.x arrays win over
// the 1.x single fields when both are present and usable.
func (d *Document) decodeContent(obj map[string]json.RawMessage) error {
	var headlines, bodies []part
	var headline, bodyHTML, bodyText string
	for _, m := range []struct {
		name, want string
		dst        any
	}{
		{"headlines", "an array of {role, value} objects", &headlines},
		{"bodies", "an array of {role, contenttype, value} objects", &bodies},
		{"headline", "a string", &headline},
		{"body_html", "a string", &bodyHTML},
		{"body_text", "a string", &bodyText},
	} {
		if err := member(obj, m.name, m.dst, m.want); err != nil {
			return err
		}
	}
	d.Headline = pickHeadline(headlines, headline)
	d.Body, d.Format = pickBody(bodies, bodyHTML, bodyText)
	return nil
}

// pickHeadline returns the headline with role "main", else the first
// non-blank one, else the 1.x headline.
func pickHeadline(hs []part, legacy string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Role, "main") && !isBlank(h.Value) {
			return strings.TrimSpace(h.Value)
		}
	}
	for _, h := range hs {
		if !isBlank(h.Value) {
			return strings.TrimSpace(h.Value)
		}
	}
	return strings.TrimSpace(legacy)
}

// pickBody chooses among bodies in text/plain or text/html (others, such as
// NITF, are skipped). A body with role "main" comes first, then one without
// a role (the spec's "simple body"), then any other role; within a rank HTML
// beats plain text, since it keeps paragraph structure, and earlier beats
// later. Without a usable 2.x body it falls back to 1.x body_html, then
// body_text. It returns "" and "" when there is no body.
func pickBody(bs []part, bodyHTML, bodyText string) (string, dedup.Format) {
	best, bestScore := -1, -1
	for i, b := range bs {
		format, ok := bodyFormat(b.ContentType, b.Value)
		if !ok || isBlank(b.Value) {
			continue
		}
		score := 0
		switch {
		case strings.EqualFold(b.Role, "main"):
			score = 4
		case b.Role == "":
			score = 2
		}
		if format == dedup.FormatHTML {
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	switch {
	case best >= 0:
		format, _ := bodyFormat(bs[best].ContentType, bs[best].Value)
		return bs[best].Value, format
	case !isBlank(bodyHTML):
		return bodyHTML, dedup.FormatHTML
	case !isBlank(bodyText):
		return bodyText, dedup.FormatText
	}
	return "", ""
}

// bodyFormat maps a body's media type to a Format. Parameters such as
// charset are ignored. A body without a content type is HTML if it starts
// with a tag and plain text otherwise.
func bodyFormat(contentType, value string) (dedup.Format, bool) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch strings.ToLower(strings.TrimSpace(mediaType)) {
	case "text/plain":
		return dedup.FormatText, true
	case "text/html", "application/xhtml+xml":
		return dedup.FormatHTML, true
	case "":
		if strings.HasPrefix(strings.TrimSpace(value), "<") {
			return dedup.FormatHTML, true
		}
		return dedup.FormatText, true
	}
	return "", false
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
