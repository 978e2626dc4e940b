package archive

import (
	"errors"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/ninjs"
)

// ninjsArticles is the default Options.ParseNinjs: internal/ninjs, with
// source as the source of documents whose uri names no provider. A
// canceled or withheld document is rejected as not usable: it withdraws a
// story rather than carrying one.
func ninjsArticles(source string) func([]byte) (dedup.ArticleInput, error) {
	return func(line []byte) (dedup.ArticleInput, error) {
		doc, err := ninjs.Parse(line)
		if err != nil {
			return dedup.ArticleInput{}, ninjsReject(err)
		}
		if doc.PubStatus == ninjs.PubStatusCanceled || doc.PubStatus == ninjs.PubStatusWithheld {
			return dedup.ArticleInput{}, reject(ReasonNotUsable, "pubstatus %s", doc.PubStatus)
		}
		// Article prefers the source it is given over the uri's provider;
		// Options.Source is a fallback, as for the other formats.
		src := ninjs.SourceFromURI(doc.URI)
		if src == "" {
			src = source
		}
		in, err := doc.Article(src)
		if err != nil {
			return dedup.ArticleInput{}, ninjsReject(err)
		}
		return in, nil
	}
}

// ninjsReject classifies an internal/ninjs error by the field it names.
func ninjsReject(err error) *RejectError {
	var ve *dedup.ValidationError
	if !errors.As(err, &ve) {
		return &RejectError{Reason: ReasonMalformed, Err: err}
	}
	switch ve.Field {
	case "document":
		return &RejectError{Reason: ReasonMalformed, Err: err}
	case "bodies":
		return &RejectError{Reason: ReasonMissingBody, Err: err}
	}
	return &RejectError{Reason: ReasonInvalidField, Err: err}
}
