package ninjs

import "encoding/json"

// Kind is what an ingest request body holds.
type Kind string

// Kinds of ingest documents.
const (
	KindNinjs   Kind = "ninjs"   // an IPTC ninjs document
	KindArticle Kind = "article" // the service's own article JSON
)

// ninjsContent are the members, 2.x and 1.x, of which a ninjs document to
// ingest has at least one.
var ninjsContent = []string{"bodies", "headlines", "body_html", "body_text", "headline"}

// Detect tells a ninjs document (a uri and at least one of bodies,
// headlines, body_html, body_text or headline) from the service's article
// JSON (an external_id). It only classifies: the body still has to be
// parsed and validated. Anything else, including a document that has both
// a uri and an external_id, is a *dedup.ValidationError saying what is
// wrong.
func Detect(raw []byte) (Kind, error) {
	obj, err := decodeObject(raw)
	if err != nil {
		return "", err
	}
	hasURI, hasExternalID := present(obj, "uri"), present(obj, "external_id")
	switch {
	case hasURI && hasExternalID:
		return "", invalid("document", "has both uri (ninjs) and external_id (article); send one format")
	case hasExternalID:
		return KindArticle, nil
	case !hasURI:
		return "", invalid("document", "is neither an article (no external_id) nor a ninjs document (no uri)")
	}
	for _, name := range ninjsContent {
		if present(obj, name) {
			return KindNinjs, nil
		}
	}
	return "", invalid("bodies", "ninjs document has none of bodies, headlines, body_html, body_text or headline")
}

// present reports whether obj has the member with a value other than null.
func present(obj map[string]json.RawMessage, name string) bool {
	raw, ok := obj[name]
	return ok && !isNull(raw)
}
