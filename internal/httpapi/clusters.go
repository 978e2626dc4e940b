package httpapi

import (
	"net/http"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// clusterJSON is a story cluster as the API shows it.
type clusterJSON struct {
	ID          int64        `json:"id"`
	CanonicalID int64        `json:"canonical_id"`
	Size        int          `json:"size"`
	Members     []memberJSON `json:"members"`
}

// memberJSON is one member of a cluster. The canonical article has no
// relation, score or via.
type memberJSON struct {
	ArticleID int64   `json:"article_id"`
	Relation  string  `json:"relation,omitempty"`
	Score     float64 `json:"score,omitzero"`
	Via       int64   `json:"via,omitzero"`
}

func newClusterJSON(c *dedup.Cluster) clusterJSON {
	out := clusterJSON{
		ID:          c.ID,
		CanonicalID: c.CanonicalID,
		Size:        len(c.Members),
		Members:     make([]memberJSON, 0, len(c.Members)),
	}
	for _, m := range c.Members {
		out.Members = append(out.Members, memberJSON{
			ArticleID: m.ArticleID,
			Relation:  string(m.Relation),
			Score:     m.Score,
			Via:       m.Via,
		})
	}
	return out
}

func (s *Server) handleGetCluster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.articles.GetCluster(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newClusterJSON(c))
}
