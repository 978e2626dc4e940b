package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"
)

// writeJSON answers with v as JSON. It marshals before writing anything, so
// that a marshal failure can still become a clean 500.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	_, _ = w.Write(append(body, '\n'))
	return nil
}

// readJSON decodes the request body into v: the body must be
// application/json, at most limit bytes, valid UTF-8 and exactly one JSON
// value whose fields v knows. Validating the values is the caller's job.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	body, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// readBody reads the whole request body, which may be at most limit bytes:
// over it, the error is the *http.MaxBytesError that maps to 413.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, errorf(http.StatusBadRequest, codeInvalidJSON, "read request body: %v", err)
	}
	return body, nil
}

// checkJSONText rejects a body that is blank or not valid UTF-8.
func checkJSONText(body []byte) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(http.StatusBadRequest, codeInvalidJSON, "request body is empty")
	}
	// encoding/json would silently turn invalid UTF-8 into U+FFFD, changing
	// the text that gets fingerprinted; reject it instead.
	if !utf8.Valid(body) {
		return errorf(http.StatusBadRequest, codeInvalidJSON, "request body is not valid UTF-8")
	}
	return nil
}

// decodeStrict decodes body into v: it must be valid UTF-8 and exactly one
// JSON value whose fields v knows.
func decodeStrict(body []byte, v any) error {
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, codeInvalidJSON, "request body has data after the JSON value")
	}
	return nil
}

// checkContentType accepts application/json with no charset or UTF-8.
func checkContentType(header string) error {
	mediaType, params, err := mime.ParseMediaType(header)
	if err != nil || mediaType != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			"Content-Type must be application/json, not %q", header)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errorf(http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			"charset must be utf-8, not %q", cs)
	}
	return nil
}

// decodeError turns a json.Decoder error into a 400 that says what is wrong
// and where.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return errorf(http.StatusBadRequest, codeInvalidJSON, "malformed JSON at byte %d: %v", syntax.Offset, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, codeInvalidJSON, "malformed JSON: unexpected end of input")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return errorf(http.StatusBadRequest, codeInvalidJSON, "request body must be a JSON %s, not %s", expectedKind(typ), typ.Value)
		}
		return invalid(typ.Field, "must be a JSON %s, not %s", expectedKind(typ), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no error type for an unknown field.
		return errorf(http.StatusBadRequest, codeInvalidJSON, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		return errorf(http.StatusBadRequest, codeInvalidJSON, "malformed JSON: %v", err)
	}
}

// expectedKind names the JSON kind a Go type decodes from.
func expectedKind(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	default:
		return e.Type.Kind().String()
	}
}
