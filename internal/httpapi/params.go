package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// pathID reads a positive integer id from the route parameter name.
func pathID(r *http.Request, name string) (int64, error) {
	v := chi.URLParam(r, name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, invalid(name, "must be a positive integer, not %q", v)
	}
	return id, nil
}

// parseThresholds reads the optional copy, rewrite and partial query
// parameters, each in [0, 1]. An absent one (or 0) is left zero, which the
// service reads as its default.
func parseThresholds(q url.Values) (dedup.Thresholds, error) {
	var th dedup.Thresholds
	params := []struct {
		name string
		dst  *float64
	}{
		{"copy", &th.Copy},
		{"rewrite", &th.Rewrite},
		{"partial", &th.Partial},
	}
	for _, p := range params {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		// The negated range test also rejects NaN.
		if err != nil || !(f >= 0 && f <= 1) {
			return dedup.Thresholds{}, invalid(p.name, "must be a number in [0, 1], not %q", v)
		}
		*p.dst = f
	}
	return th, nil
}
