package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// maxBatchArticles bounds a batch so that one request holds one store
// transaction of reasonable size.
const maxBatchArticles = 500

// articleRequest is an article as a client posts it.
type articleRequest struct {
	ExternalID  string `json:"external_id"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	Format      string `json:"format"`
	Source      string `json:"source"`
	PublishedAt string `json:"published_at"`
	Language    string `json:"language"`
	Version     int64  `json:"version"`
}

// input validates the request and converts it. maxBody bounds the article
// body, which matters in a batch, whose request limit is larger.
func (a *articleRequest) input(maxBody int64) (dedup.ArticleInput, error) {
	if strings.TrimSpace(a.Body) == "" {
		return dedup.ArticleInput{}, invalid("body", "must not be empty")
	}
	if int64(len(a.Body)) > maxBody {
		return dedup.ArticleInput{}, errorf(http.StatusRequestEntityTooLarge, codeTooLarge, "body: longer than %d bytes", maxBody)
	}
	format := dedup.Format(a.Format)
	switch format {
	case "":
		format = dedup.FormatText
	case dedup.FormatText, dedup.FormatHTML:
	default:
		return dedup.ArticleInput{}, invalid("format", "must be %q or %q, not %q", dedup.FormatText, dedup.FormatHTML, a.Format)
	}
	var published time.Time
	if a.PublishedAt != "" {
		t, err := time.Parse(time.RFC3339, a.PublishedAt)
		if err != nil {
			return dedup.ArticleInput{}, invalid("published_at", "must be an RFC 3339 time, not %q", a.PublishedAt)
		}
		published = t.UTC()
	}
	if a.Version < 0 {
		return dedup.ArticleInput{}, invalid("version", "must not be negative")
	}
	return dedup.ArticleInput{
		ExternalID:  a.ExternalID,
		URL:         a.URL,
		Title:       a.Title,
		Body:        a.Body,
		Format:      format,
		Source:      a.Source,
		PublishedAt: published,
		Language:    a.Language,
		Version:     a.Version,
	}, nil
}

// articleJSON is a stored article as the API shows it, without its body.
type articleJSON struct {
	ID          int64     `json:"id"`
	ExternalID  string    `json:"external_id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Source      string    `json:"source"`
	Format      string    `json:"format"`
	Language    string    `json:"language"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	IngestedAt  time.Time `json:"ingested_at,omitzero"`
	Version     int64     `json:"version"`
	ClusterID   int64     `json:"cluster_id"`
}

func newArticleJSON(a *dedup.Article) articleJSON {
	return articleJSON{
		ID:          a.ID,
		ExternalID:  a.ExternalID,
		URL:         a.URL,
		Title:       a.Title,
		Source:      a.Source,
		Format:      string(a.Format),
		Language:    a.Language,
		PublishedAt: a.PublishedAt.UTC(),
		IngestedAt:  a.IngestedAt.UTC(),
		Version:     a.Version,
		ClusterID:   a.ClusterID,
	}
}

// matchJSON is one verified link.
type matchJSON struct {
	ArticleID       int64   `json:"article_id"`
	ClusterID       int64   `json:"cluster_id"`
	Relation        string  `json:"relation"`
	Score           float64 `json:"score"`
	Jaccard         float64 `json:"jaccard"`
	ContainmentA    float64 `json:"containment_a"`
	ContainmentB    float64 `json:"containment_b"`
	SimHashDistance int     `json:"simhash_distance"`
}

// newMatchesJSON converts matches; it never returns nil, so that an empty
// list is [] and not null.
func newMatchesJSON(matches []dedup.Match) []matchJSON {
	out := make([]matchJSON, 0, len(matches))
	for _, m := range matches {
		out = append(out, matchJSON{
			ArticleID:       m.ArticleID,
			ClusterID:       m.ClusterID,
			Relation:        string(m.Relation),
			Score:           m.Score,
			Jaccard:         m.Jaccard,
			ContainmentA:    m.ContainmentA,
			ContainmentB:    m.ContainmentB,
			SimHashDistance: m.SimHashDistance,
		})
	}
	return out
}

// resultJSON is the answer to an ingest or a check.
type resultJSON struct {
	Article articleJSON  `json:"article"`
	Created bool         `json:"created"`
	Updated bool         `json:"updated"`
	Cluster *clusterJSON `json:"cluster,omitempty"`
	Matches []matchJSON  `json:"matches"`
}

func newResultJSON(res *dedup.Result) *resultJSON {
	out := &resultJSON{
		Article: newArticleJSON(res.Article),
		Created: res.Created,
		Updated: res.Updated,
		Matches: newMatchesJSON(res.Matches),
	}
	if res.Cluster != nil {
		c := newClusterJSON(res.Cluster)
		out.Cluster = &c
	}
	return out
}

// ingestStatus is 201 for a new article and 200 for one already stored.
func ingestStatus(res *dedup.Result) int {
	if res.Created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func (s *Server) handleCreateArticle(w http.ResponseWriter, r *http.Request) error {
	var req articleRequest
	if err := readJSON(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	in, err := req.input(s.cfg.MaxBodyBytes)
	if err != nil {
		return err
	}
	res, err := s.articles.Ingest(r.Context(), in)
	if err != nil {
		return err
	}
	s.metrics.observeResult(res, true)
	if res.Created {
		w.Header().Set("Location", "/v1/articles/"+strconv.FormatInt(res.Article.ID, 10))
	}
	return writeJSON(w, ingestStatus(res), newResultJSON(res))
}

func (s *Server) handleCheckArticle(w http.ResponseWriter, r *http.Request) error {
	th, err := parseThresholds(r.URL.Query())
	if err != nil {
		return err
	}
	var req articleRequest
	if err := readJSON(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	in, err := req.input(s.cfg.MaxBodyBytes)
	if err != nil {
		return err
	}
	res, err := s.articles.Check(r.Context(), in, th)
	if err != nil {
		return err
	}
	s.metrics.observeResult(res, false)
	return writeJSON(w, http.StatusOK, newResultJSON(res))
}

func (s *Server) handleGetArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.articles.GetArticle(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newArticleJSON(a))
}

// matchListJSON is the answer to a matches query.
type matchListJSON struct {
	ArticleID int64       `json:"article_id"`
	Matches   []matchJSON `json:"matches"`
}

func (s *Server) handleListMatches(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	th, err := parseThresholds(r.URL.Query())
	if err != nil {
		return err
	}
	matches, err := s.articles.ListMatches(r.Context(), id, th)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, matchListJSON{ArticleID: id, Matches: newMatchesJSON(matches)})
}

func (s *Server) handleDeleteArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.articles.DeleteArticle(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// comparisonJSON explains how two articles relate.
type comparisonJSON struct {
	A               int64         `json:"a"`
	B               int64         `json:"b"`
	Relation        string        `json:"relation"`
	Score           float64       `json:"score"`
	Jaccard         float64       `json:"jaccard"`
	ContainmentA    float64       `json:"containment_a"`
	ContainmentB    float64       `json:"containment_b"`
	SimHashDistance int           `json:"simhash_distance"`
	Passages        []passageJSON `json:"passages"`
}

type passageJSON struct {
	AStart int    `json:"a_start"`
	AEnd   int    `json:"a_end"`
	BStart int    `json:"b_start"`
	BEnd   int    `json:"b_end"`
	Text   string `json:"text"`
}

// relationNone is what the API shows for two unrelated articles, where the
// dedup Comparison has an empty relation.
const relationNone = "none"

func newComparisonJSON(c *dedup.Comparison) comparisonJSON {
	out := comparisonJSON{
		A:               c.A,
		B:               c.B,
		Relation:        string(c.Relation),
		Score:           c.Score,
		Jaccard:         c.Jaccard,
		ContainmentA:    c.ContainmentA,
		ContainmentB:    c.ContainmentB,
		SimHashDistance: c.SimHashDistance,
		Passages:        make([]passageJSON, 0, len(c.Passages)),
	}
	if out.Relation == "" {
		out.Relation = relationNone
	}
	for _, p := range c.Passages {
		out.Passages = append(out.Passages, passageJSON{AStart: p.AStart, AEnd: p.AEnd, BStart: p.BStart, BEnd: p.BEnd, Text: p.Text})
	}
	return out
}

func (s *Server) handleCompareArticles(w http.ResponseWriter, r *http.Request) error {
	a, err := pathID(r, "a")
	if err != nil {
		return err
	}
	b, err := pathID(r, "b")
	if err != nil {
		return err
	}
	c, err := s.articles.Compare(r.Context(), a, b)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newComparisonJSON(c))
}

// batchRequest is a batch of articles to ingest.
type batchRequest struct {
	Articles []articleRequest `json:"articles"`
}

// batchItemJSON is the outcome of one article of a batch: a result or an
// error, with the status a single POST of it would have had.
type batchItemJSON struct {
	Index  int          `json:"index"`
	Status int          `json:"status"`
	Result *resultJSON  `json:"result,omitempty"`
	Error  *errorDetail `json:"error,omitempty"`
}

type batchResponse struct {
	Items []batchItemJSON `json:"items"`
}

func (s *Server) handleCreateArticles(w http.ResponseWriter, r *http.Request) error {
	var req batchRequest
	if err := readJSON(w, r, s.cfg.MaxBatchBodyBytes, &req); err != nil {
		return err
	}
	if len(req.Articles) == 0 {
		return invalid("articles", "must not be empty")
	}
	if len(req.Articles) > maxBatchArticles {
		return invalid("articles", "holds %d articles; at most %d are allowed", len(req.Articles), maxBatchArticles)
	}

	// Invalid articles fail in their own item; the rest go to the service
	// in one call, and valid[i] remembers where each came from.
	items := make([]batchItemJSON, len(req.Articles))
	var inputs []dedup.ArticleInput
	var valid []int
	for i := range req.Articles {
		items[i].Index = i
		in, err := req.Articles[i].input(s.cfg.MaxBodyBytes)
		if err != nil {
			status, detail := errorResponse(r, err)
			items[i].Status, items[i].Error = status, &detail
			continue
		}
		inputs = append(inputs, in)
		valid = append(valid, i)
	}
	if len(inputs) > 0 {
		if err := s.ingestBatch(r, inputs, valid, items); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, batchResponse{Items: items})
}

// ingestBatch ingests inputs and fills items[valid[i]] with the outcome of
// inputs[i].
func (s *Server) ingestBatch(r *http.Request, inputs []dedup.ArticleInput, valid []int, items []batchItemJSON) error {
	results, err := s.articles.IngestBatch(r.Context(), inputs)
	if err != nil {
		return err
	}
	if len(results) != len(inputs) {
		return fmt.Errorf("ingest batch: %d results for %d articles", len(results), len(inputs))
	}
	for i, res := range results {
		item := &items[valid[i]]
		if res.Err != nil {
			status, detail := errorResponse(r, res.Err)
			// Per-item errors are for bad input. Anything the client cannot
			// fix fails the whole request instead, so that it is logged and
			// retried; a retry is safe because ingest is idempotent.
			if status >= http.StatusInternalServerError {
				return fmt.Errorf("ingest batch item %d: %w", valid[i], res.Err)
			}
			item.Status, item.Error = status, &detail
			continue
		}
		s.metrics.observeResult(res.Result, true)
		item.Status, item.Result = ingestStatus(res.Result), newResultJSON(res.Result)
	}
	return nil
}
