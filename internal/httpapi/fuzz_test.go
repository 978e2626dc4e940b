package httpapi

import (
	"net/http"
	"testing"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// FuzzArticleRequests sends arbitrary bodies to the endpoints that take
// articles from outside, served by the real engine over the in-memory
// store. Every answer must be one that api/openapi.yaml documents (do
// validates it), an error must have the API's error shape, and none may
// be a 5xx: bad input is the client's error.
func FuzzArticleRequests(f *testing.F) {
	seeds := []string{
		validArticle,
		`{"body":"x",`,
		`{"body":"x","author":"me"}`,
		"{\"body\":\"caf\xe9\"}",
		`{"body":"<p>Hello <b>world</b></p><script>x()</script>","format":"html","published_at":"2022-09-14T08:30:00Z"}`,
		`{"body":"Â£5 for a â€œdealâ€","title":"\u0000"}`,
		`{"articles":[{"body":"one two three"},{"body":""},{"title":"no body"}]}`,
		`{"articles":[]}`,
		`[]`,
		``,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	paths := [...]string{"/v1/articles", "/v1/articles:check", "/v1/articles:batch"}
	f.Fuzz(func(t *testing.T, endpoint uint8, body string) {
		// A store of its own per input: what one input stored must not
		// decide how the next is answered.
		svc := dedup.NewService(memstore.New(), dedup.Options{ProfileCacheBytes: -1})
		s := newTestServer(t, svc, Config{MaxBodyBytes: 8 << 10, MaxBatchBodyBytes: 32 << 10})
		rec := s.do(t, jsonRequest(http.MethodPost, paths[int(endpoint)%len(paths)], body))
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code >= 400 {
			readErrorBody(t, rec)
		}
	})
}
