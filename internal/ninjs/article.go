package ninjs

import (
	"net/url"
	"strings"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// Article returns the document as an article to ingest. ExternalID is the
// uri; Source is source if it is not blank, else the provider named by the
// uri (see SourceFromURI); PublishedAt is firstcreated, else
// versioncreated. It returns a *dedup.ValidationError when the document has
// no usable body or no source can be found. Article ignores PubStatus:
// callers decide what a canceled or withheld document means to them.
func (d *Document) Article(source string) (dedup.ArticleInput, error) {
	src := strings.TrimSpace(source)
	if src == "" {
		src = SourceFromURI(d.URI)
	}
	if src == "" {
		return dedup.ArticleInput{}, invalid("uri", "names no provider to use as the source; pass a source")
	}
	if isBlank(d.Body) {
		return dedup.ArticleInput{}, invalid("bodies", "no text/plain or text/html body")
	}
	published := d.FirstCreated
	if published.IsZero() {
		published = d.VersionCreated
	}
	return dedup.ArticleInput{
		ExternalID:  d.URI,
		URL:         webURL(d.URI),
		Title:       d.Headline,
		Body:        d.Body,
		Format:      d.Format,
		Source:      src,
		PublishedAt: published,
		Language:    d.Language,
		Version:     d.Version,
	}, nil
}

// SourceFromURI returns the provider a ninjs uri names, lowercased: the
// host of an http(s) uri, the provider of a NewsML URN
// ("urn:newsml:<provider>:<date>:<id>") or the authority of a tag URI
// ("tag:<authority>,<date>:<id>"). It returns "" when the uri names none,
// as with a bare UUID.
func SourceFromURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return strings.ToLower(u.Hostname())
	case "urn":
		nid, rest, _ := strings.Cut(u.Opaque, ":")
		if !strings.EqualFold(nid, "newsml") {
			return ""
		}
		provider, _, _ := strings.Cut(rest, ":")
		return strings.ToLower(provider)
	case "tag":
		authority, _, ok := strings.Cut(u.Opaque, ",")
		if !ok {
			return ""
		}
		if _, domain, isEmail := strings.Cut(authority, "@"); isEmail {
			authority = domain
		}
		return strings.ToLower(authority)
	}
	return ""
}

// webURL is the uri when it is a web address, which some providers use as
// the identifier, and "" otherwise.
func webURL(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return uri
}
