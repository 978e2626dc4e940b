package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-chi/chi/v5"
	"github.com/google/go-cmp/cmp"
)

const specPath = "../../api/openapi.yaml"

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// loadSpec loads and validates api/openapi.yaml once per test binary.
func loadSpec(tb testing.TB) (*openapi3.T, routers.Router) {
	tb.Helper()
	specOnce.Do(func() {
		specDoc, specErr = openapi3.NewLoader().LoadFromFile(specPath)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background()); specErr != nil {
			return
		}
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	if specErr != nil {
		tb.Fatalf("load %s: %v", specPath, specErr)
	}
	return specDoc, specRouter
}

func TestSpecIsOpenAPI31(t *testing.T) {
	doc, _ := loadSpec(t)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
}

// TestRoutesMatchSpec fails when a route is missing from the spec or a spec
// operation is missing from the router.
func TestRoutesMatchSpec(t *testing.T) {
	doc, _ := loadSpec(t)
	var spec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			spec = append(spec, method+" "+path)
		}
	}
	var routed []string
	s := newTestServer(t, &fakeService{}, Config{})
	err := chi.Walk(s.router.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routed = append(routed, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(spec)
	slices.Sort(routed)
	if diff := cmp.Diff(spec, routed); diff != "" {
		t.Errorf("router and api/openapi.yaml disagree (-spec +router):\n%s", diff)
	}
}

// validateResponse fails the test if rec is not a response the spec allows
// for req: its status must be listed and its headers and body must match.
func validateResponse(tb testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	tb.Helper()
	_, router := loadSpec(tb)
	route, params, err := router.FindRoute(req)
	if err != nil {
		// Unrouted requests answer 404/405 with the error shape; check that much.
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			tb.Errorf("%s %s is not in the spec (%v) but answered %d", req.Method, req.URL, err, rec.Code)
		}
		readErrorBody(tb, rec)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
		},
		Status:  rec.Code,
		Header:  rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		tb.Errorf("%s %s: response %d does not match the spec: %v\nbody: %s", req.Method, req.URL, rec.Code, err, rec.Body)
	}
}
