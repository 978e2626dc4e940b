package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// Error codes, as enumerated by ErrorDetail in api/openapi.yaml.
const (
	codeInvalidJSON          = "invalid_json"
	codeInvalidArgument      = "invalid_argument"
	codeUnauthorized         = "unauthorized"
	codeNotFound             = "not_found"
	codeMethodNotAllowed     = "method_not_allowed"
	codeConflict             = "conflict"
	codeTooLarge             = "too_large"
	codeUnsupportedMediaType = "unsupported_media_type"
	codeInternal             = "internal"
	codeUnavailable          = "unavailable"
	codeTimeout              = "timeout"
)

// retryAfterSeconds is sent with every 503: long enough for a store
// fail-over or a pool to drain, short enough not to stall a queue.
const retryAfterSeconds = "5"

// statusClientClosedRequest is nginx's code for a request whose client went
// away before the answer. Nobody reads the response; it keeps such requests
// out of the 5xx counts and logs.
const statusClientClosedRequest = 499

// httpError is an error the HTTP layer itself decides: a bad header, a
// malformed body, a bad path parameter. Its message goes to the client.
type httpError struct {
	status  int
	code    string
	message string
}

func (e *httpError) Error() string { return e.message }

func errorf(status int, code, format string, args ...any) error {
	return &httpError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// invalid reports a bad input field as dedup does, so that the handlers and
// the service fail the same way.
func invalid(field, format string, args ...any) error {
	return &dedup.ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h to http.HandlerFunc: an error it returns becomes the
// response, so each handler has one way to fail.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// writeError answers with the status and body err maps to. It does not log:
// it hands err to the access log, which writes one line per request with the
// full error for a 5xx, while the client sees only "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := errorResponse(r, err)
	noteError(r.Context(), err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	// An error body always marshals; the error return is for that case only.
	_ = writeJSON(w, status, errorBody{Error: detail})
}

// errorResponse maps err to a status and the error the client sees. It is
// the one place that decides statuses.
func errorResponse(r *http.Request, err error) (int, errorDetail) {
	var he *httpError
	var ve *dedup.ValidationError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, errorDetail{he.code, he.message}
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, errorDetail{codeTooLarge,
			fmt.Sprintf("request body is larger than %d bytes", tooLarge.Limit)}
	case errors.As(err, &ve):
		return http.StatusBadRequest, errorDetail{codeInvalidArgument, ve.Error()}
	case errors.Is(err, dedup.ErrInvalid):
		return http.StatusBadRequest, errorDetail{codeInvalidArgument, err.Error()}
	case errors.Is(err, dedup.ErrNotFound):
		return http.StatusNotFound, errorDetail{codeNotFound, err.Error()}
	case errors.Is(err, dedup.ErrConflict):
		return http.StatusConflict, errorDetail{codeConflict, err.Error()}
	case errors.Is(err, dedup.ErrUnavailable):
		return http.StatusServiceUnavailable, errorDetail{codeUnavailable, "the store is unavailable; retry later"}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, errorDetail{codeTimeout, "the request timed out; retry later"}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return statusClientClosedRequest, errorDetail{codeUnavailable, "client closed the request"}
	default:
		return http.StatusInternalServerError, errorDetail{codeInternal, "internal error"}
	}
}

func handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return errorf(http.StatusNotFound, codeNotFound, "no route for %s %s", r.Method, r.URL.Path)
}

func handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	return errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "method %s is not allowed on %s", r.Method, r.URL.Path)
}
