package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/ninjs"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// headerReplayed marks an answer that was stored for an earlier delivery
// of the same webhook-id and is sent again, not computed anew.
const headerReplayed = "Idempotent-Replayed"

// maxWebhookIDLen bounds a webhook-id, which keys the stored receipts.
// Standard Webhooks ids are short ("msg_" and a few dozen characters).
const maxWebhookIDLen = 256

// HookReceipt is how the ingest hook answered one webhook-id.
type HookReceipt struct {
	WebhookID string
	ArticleID int64  // the article stored or removed; 0 if none
	Status    int    // the HTTP status answered
	Response  []byte // the JSON body answered
}

// HookReceipts stores the answers of the ingest hook, so that a redelivery
// of a webhook gets the first answer without being processed again.
type HookReceipts interface {
	// GetHookReceipt returns the receipt of a webhook-id or an error
	// wrapping dedup.ErrNotFound.
	GetHookReceipt(ctx context.Context, webhookID string) (*HookReceipt, error)
	// InsertHookReceipt stores r unless a receipt for r.WebhookID exists,
	// in one statement, and returns the receipt that is stored: r
	// (inserted true) or the one another delivery stored first.
	InsertHookReceipt(ctx context.Context, r HookReceipt) (stored *HookReceipt, inserted bool, err error)
}

// hookOutcome is the answer to a hook request, before it is stored.
type hookOutcome struct {
	status    int
	body      []byte
	articleID int64
}

func newHookOutcome(status int, articleID int64, v any) (*hookOutcome, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal response: %w", err)
	}
	return &hookOutcome{status: status, body: body, articleID: articleID}, nil
}

// handleIngestHook takes an article that a newsroom system pushes, signed
// with Standard Webhooks: ninjs or the service's own article JSON. Senders
// retry every failure, so a 5xx, which only a failure a retry can mend
// should cause, always carries Retry-After to pace them.
func (s *Server) handleIngestHook(w http.ResponseWriter, r *http.Request) error {
	err := s.ingestHook(w, r)
	if err != nil {
		if status, _ := errorResponse(r, err); status >= http.StatusInternalServerError {
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
	}
	return err
}

// ingestHook verifies, deduplicates by webhook-id, processes and answers.
// Only a processed request gets a receipt: a 5xx must be retried, and a
// request that fails verification has no webhook-id to believe.
func (s *Server) ingestHook(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.HookVerifier == nil || s.cfg.HookReceipts == nil {
		return errorf(http.StatusNotFound, codeNotFound, "the ingest hook is not configured on this server")
	}
	body, id, err := s.readSignedHook(w, r)
	if err != nil {
		return err
	}
	rc, err := s.cfg.HookReceipts.GetHookReceipt(r.Context(), id)
	switch {
	case err == nil:
		return writeReceipt(w, rc, true)
	case !errors.Is(err, dedup.ErrNotFound):
		return fmt.Errorf("get hook receipt: %w", err)
	}
	out, err := s.processHook(r, body)
	if errors.Is(err, dedup.ErrConflict) || errors.Is(err, dedup.ErrNotFound) {
		// Processing meets these only when another request changed the
		// same article meanwhile (a delete racing a replace); a retry
		// finds it settled, so the sender must not give up as on a 4xx.
		return fmt.Errorf("%w: %w", errorf(http.StatusServiceUnavailable, codeUnavailable,
			"the article changed while this request ran; retry later"), err)
	}
	if err != nil {
		return err
	}
	rc, inserted, err := s.cfg.HookReceipts.InsertHookReceipt(r.Context(),
		HookReceipt{WebhookID: id, ArticleID: out.articleID, Status: out.status, Response: out.body})
	if err != nil {
		// The article is stored, but the sender will retry, and the retry
		// finds it stored and answers from it.
		return fmt.Errorf("insert hook receipt: %w", err)
	}
	// Both deliveries of a webhook that ran at once answer with the
	// receipt stored first.
	return writeReceipt(w, rc, !inserted)
}

// readSignedHook reads the body and checks its signature; it returns the
// body and the webhook-id. The signature covers the exact bytes, so the
// body is read whole (within its limit) before anything else about the
// request is believed.
func (s *Server) readSignedHook(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	body, err := readBody(w, r, s.cfg.HookMaxBodyBytes)
	if err != nil {
		return nil, "", err
	}
	if err := s.cfg.HookVerifier.Verify(r.Header, body, s.now()); err != nil {
		return nil, "", errorf(http.StatusUnauthorized, codeUnauthorized, "%v", err)
	}
	id := r.Header.Get(webhooks.HeaderID)
	if len(id) > maxWebhookIDLen {
		return nil, "", invalid(webhooks.HeaderID, "is longer than %d bytes", maxWebhookIDLen)
	}
	return body, id, nil
}

// writeReceipt answers with a stored answer, byte for byte, so that every
// delivery of one webhook gets the same answer.
func writeReceipt(w http.ResponseWriter, rc *HookReceipt, replayed bool) error {
	w.Header().Set("Content-Type", "application/json")
	if replayed {
		w.Header().Set(headerReplayed, "true")
	}
	if rc.Status == http.StatusCreated && rc.ArticleID > 0 {
		w.Header().Set("Location", "/v1/articles/"+strconv.FormatInt(rc.ArticleID, 10))
	}
	w.WriteHeader(rc.Status)
	// A failed write means the client went away; it will deliver again.
	_, _ = w.Write(rc.Response)
	return nil
}

// processHook ingests or withdraws the document of a verified request.
func (s *Server) processHook(r *http.Request, body []byte) (*hookOutcome, error) {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	if err := checkJSONText(body); err != nil {
		return nil, err
	}
	kind, err := ninjs.Detect(body)
	if err != nil {
		return nil, err
	}
	source := strings.TrimSpace(r.URL.Query().Get("source"))
	if kind == ninjs.KindNinjs {
		return s.hookNinjs(r.Context(), body, source)
	}
	return s.hookArticle(r.Context(), body, source)
}

// hookArticle ingests the service's own article JSON. The query's source
// fills in a missing one.
func (s *Server) hookArticle(ctx context.Context, body []byte, source string) (*hookOutcome, error) {
	var req articleRequest
	if err := decodeStrict(body, &req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.ExternalID) == "" {
		return nil, invalid("external_id", "is required: the hook tells redeliveries and new versions apart by it")
	}
	switch {
	case req.Source == "":
		req.Source = source
	case source != "" && source != req.Source:
		return nil, invalid("source", "is %q in the body but %q in the query; send one", req.Source, source)
	}
	in, err := req.input(s.cfg.HookMaxBodyBytes)
	if err != nil {
		return nil, err
	}
	return s.hookIngest(ctx, in)
}

// hookNinjs ingests a ninjs document, or withdraws the stored article when
// the document is withheld or canceled. The source is the query's, else
// the provider the uri names.
func (s *Server) hookNinjs(ctx context.Context, body []byte, source string) (*hookOutcome, error) {
	doc, err := ninjs.Parse(body)
	if err != nil {
		return nil, err
	}
	if source == "" {
		source = ninjs.SourceFromURI(doc.URI)
	}
	if source == "" {
		return nil, invalid("uri", "names no provider to use as the source; add ?source=<name> to the hook URL")
	}
	if doc.PubStatus == ninjs.PubStatusWithheld || doc.PubStatus == ninjs.PubStatusCanceled {
		return s.withdraw(ctx, doc, source)
	}
	in, err := doc.Article(source)
	if err != nil {
		return nil, err
	}
	return s.hookIngest(ctx, in)
}

// hookIngest stores an article; the service decides what a repeated
// external id with an equal, lower or higher version does.
func (s *Server) hookIngest(ctx context.Context, in dedup.ArticleInput) (*hookOutcome, error) {
	res, err := s.articles.Ingest(ctx, in)
	if err != nil {
		return nil, err
	}
	s.metrics.observeResult(res, true)
	return newHookOutcome(ingestStatus(res), res.Article.ID, newResultJSON(res))
}

// withdrawalJSON answers a withheld or canceled ninjs document.
type withdrawalJSON struct {
	Source     string `json:"source"`
	ExternalID string `json:"external_id"`
	PubStatus  string `json:"pubstatus"`
	Removed    bool   `json:"removed"`
	ArticleID  int64  `json:"article_id,omitzero"`
	Message    string `json:"message"`
}

// withdraw removes the stored article of a withdrawn document, as DELETE
// does. Nothing to remove is not an error: the sender's intent holds. A
// withdrawal older than the stored version is ignored, as an older version
// of the article would be.
func (s *Server) withdraw(ctx context.Context, doc *ninjs.Document, source string) (*hookOutcome, error) {
	out := withdrawalJSON{Source: source, ExternalID: doc.URI, PubStatus: string(doc.PubStatus)}
	a, err := s.articles.GetArticleByExternalID(ctx, source, doc.URI)
	switch {
	case errors.Is(err, dedup.ErrNotFound):
		out.Message = "no article is stored under this source and uri; nothing to remove"
		return newHookOutcome(http.StatusOK, 0, out)
	case err != nil:
		return nil, err
	}
	out.ArticleID = a.ID
	if doc.Version > 0 && a.Version > doc.Version {
		out.Message = fmt.Sprintf("the stored version %d is newer than the withdrawn version %d; kept", a.Version, doc.Version)
		return newHookOutcome(http.StatusOK, a.ID, out)
	}
	err = s.articles.DeleteArticle(ctx, a.ID)
	switch {
	case errors.Is(err, dedup.ErrNotFound):
		out.Message = fmt.Sprintf("article %d was removed meanwhile", a.ID)
	case err != nil:
		return nil, err
	default:
		out.Removed, out.Message = true, fmt.Sprintf("article %d removed", a.ID)
	}
	return newHookOutcome(http.StatusOK, a.ID, out)
}
