package ninjs

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// PubStatus is the publishing status of a ninjs document.
type PubStatus string

// Publishing statuses defined by ninjs. A document without pubstatus is
// usable.
const (
	PubStatusUsable   PubStatus = "usable"
	PubStatusWithheld PubStatus = "withheld" // temporarily not to be used
	PubStatusCanceled PubStatus = "canceled" // killed: remove it
)

// AltID is an alternative identifier of a document, such as an agency's
// own story number.
type AltID struct {
	Role  string `json:"role"`
	Value string `json:"value"`
}

// Document is the part of a ninjs document that the service uses.
type Document struct {
	URI       string // the document's identifier; required
	Version   int64  // revision number; 0 when absent
	PubStatus PubStatus
	Type      string // "text", "picture", ... as given
	Headline  string // the main headline, trimmed
	Body      string // the chosen body, as given
	Format    dedup.Format
	By        string // "by" (2.x) or "byline" (1.x)
	Language  string
	Located   string
	// FirstCreated and VersionCreated are in UTC; zero when absent.
	FirstCreated   time.Time
	VersionCreated time.Time
	AltIDs         []AltID
}

// Parse reads one ninjs document. It requires a JSON object with a
// non-empty uri; every other field is optional, but a field that is present
// must have the type the standard gives it. Errors are *dedup.ValidationError.
// Parse does not require a body: a canceled document may have none. Use
// Article to get something to ingest.
func Parse(raw []byte) (*Document, error) {
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	d := &Document{}
	if err := d.decodeMeta(obj); err != nil {
		return nil, err
	}
	if err := d.decodeContent(obj); err != nil {
		return nil, err
	}
	if err := d.checkText(); err != nil {
		return nil, err
	}
	return d, nil
}

// decodeObject reads the top level into raw members. Members are looked up
// by exact name, unlike encoding/json's case-insensitive struct matching,
// so "URI" is not mistaken for "uri" (Detect sees the same keys).
func decodeObject(raw []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return nil, invalid("document", "must be a JSON object")
		}
		return nil, invalid("document", "invalid JSON: "+err.Error())
	}
	if obj == nil {
		return nil, invalid("document", "must be a JSON object")
	}
	return obj, nil
}

func (d *Document) decodeMeta(obj map[string]json.RawMessage) error {
	if err := member(obj, "uri", &d.URI, "a string"); err != nil {
		return err
	}
	if d.URI = strings.TrimSpace(d.URI); d.URI == "" {
		return invalid("uri", "is required")
	}
	var err error
	if d.Version, err = parseVersion(obj["version"]); err != nil {
		return err
	}
	if d.PubStatus, err = parsePubStatus(obj); err != nil {
		return err
	}
	if d.FirstCreated, err = parseTime(obj, "firstcreated"); err != nil {
		return err
	}
	if d.VersionCreated, err = parseTime(obj, "versioncreated"); err != nil {
		return err
	}
	var byline string // ninjs 1.x; 2.x renamed it "by"
	for _, f := range []struct {
		name string
		dst  *string
	}{{"type", &d.Type}, {"language", &d.Language}, {"located", &d.Located}, {"by", &d.By}, {"byline", &byline}} {
		if err := member(obj, f.name, f.dst, "a string"); err != nil {
			return err
		}
		*f.dst = strings.TrimSpace(*f.dst)
	}
	if d.By == "" {
		d.By = byline
	}
	return member(obj, "altids", &d.AltIDs, "an array of {role, value} objects")
}

// member decodes obj[name] into dst when it is present and not null.
func member(obj map[string]json.RawMessage, name string, dst any, want string) error {
	raw, ok := obj[name]
	if !ok || isNull(raw) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return invalid(name, "must be "+want)
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// parseVersion accepts the ninjs form, a string of digits, and a JSON
// integer, which some feeds send. An empty string counts as absent.
func parseVersion(raw json.RawMessage) (int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return 0, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, invalid("version", "must be a string or a number")
		}
		if text == "" {
			return 0, nil
		}
	}
	if !isDigits(text) {
		return 0, invalid("version", "must be a non-negative integer")
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, invalid("version", "is too large")
	}
	return v, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parsePubStatus also takes "withdrawn" and "cancelled", which feeds use
// for the standard's "withheld" and "canceled".
func parsePubStatus(obj map[string]json.RawMessage) (PubStatus, error) {
	var s string
	if err := member(obj, "pubstatus", &s, "a string"); err != nil {
		return "", err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "usable":
		return PubStatusUsable, nil
	case "withheld", "withdrawn":
		return PubStatusWithheld, nil
	case "canceled", "cancelled":
		return PubStatusCanceled, nil
	}
	return "", invalid("pubstatus", "must be usable, withheld or canceled")
}

// timeLayouts are RFC 3339 and the ISO 8601 variant without a colon in the
// offset ("+0000"), which several newsroom systems emit. Fractional
// seconds are accepted by both.
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05Z0700"}

func parseTime(obj map[string]json.RawMessage, name string) (time.Time, error) {
	var s string
	if err := member(obj, name, &s, "an RFC 3339 date-time string"); err != nil {
		return time.Time{}, err
	}
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, invalid(name, "must be an RFC 3339 date-time with a time zone")
}

// checkText rejects NUL characters, which a JSON string may carry as
// \u0000 but Postgres text columns cannot store.
func (d *Document) checkText() error {
	for _, f := range []struct{ name, value string }{
		{"uri", d.URI}, {"headlines", d.Headline}, {"bodies", d.Body},
		{"by", d.By}, {"language", d.Language}, {"located", d.Located}, {"type", d.Type},
	} {
		if strings.ContainsRune(f.value, 0) {
			return invalid(f.name, "must not contain NUL characters")
		}
	}
	return nil
}

func invalid(field, msg string) error {
	return &dedup.ValidationError{Field: field, Message: msg}
}
