// Package ninjs reads IPTC ninjs ("News in JSON", https://www.iptc.org/std/ninjs/)
// documents and turns them into dedup.ArticleInput, so that the ingest
// endpoint can take wire stories as agencies publish them.
//
// Parse reads ninjs 2.x (headlines and bodies arrays) and, for older feeds,
// the ninjs 1.x fields headline, body_html, body_text and byline. Only the
// fields the service uses are read; unknown fields are ignored, as the
// standard allows extensions. Detect tells a ninjs document from the
// service's own article JSON before either is parsed.
//
// Every error caused by the document is a *dedup.ValidationError naming the
// offending field, so it matches dedup.ErrInvalid.
package ninjs
