package webhooks

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Tolerance is how far the webhook-timestamp may lie from the receiver's
// clock, in either direction, before a request is refused as a replay or a
// misconfigured clock.
const Tolerance = 5 * time.Minute

// Errors returned by Verifier.Verify, wrapped with detail. Test with
// errors.Is.
var (
	// ErrMissingHeaders means webhook-id, webhook-timestamp or
	// webhook-signature is absent or empty.
	ErrMissingHeaders = errors.New("missing webhook headers")
	// ErrInvalidTimestamp means webhook-timestamp is not unix seconds.
	ErrInvalidTimestamp = errors.New("invalid webhook timestamp")
	// ErrTimestampSkew means the timestamp is more than Tolerance away from now.
	ErrTimestampSkew = errors.New("webhook timestamp outside tolerance")
	// ErrBadSignature means no v1 signature in the header matches any secret.
	ErrBadSignature = errors.New("webhook signature mismatch")
)

// ErrNoSecrets means a Verifier was built without a usable secret.
var ErrNoSecrets = errors.New("no webhook secrets")

// Verifier checks Standard Webhooks signatures. It holds several secrets so
// that a secret can be rotated without downtime: during the overlap the
// sender signs with both, or with either, and any match is accepted.
// A Verifier is safe for concurrent use.
type Verifier struct {
	keys [][]byte
}

// NewVerifier returns a Verifier that accepts signatures made with any of
// the given keys, as returned by ParseSecret. It returns ErrNoSecrets when
// keys is empty or a key is empty.
func NewVerifier(keys ...[]byte) (*Verifier, error) {
	if len(keys) == 0 {
		return nil, ErrNoSecrets
	}
	v := &Verifier{keys: make([][]byte, len(keys))}
	for i, k := range keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("%w: key %d is empty", ErrNoSecrets, i)
		}
		v.keys[i] = append([]byte(nil), k...)
	}
	return v, nil
}

// Verify checks that body was signed, with one of the Verifier's secrets,
// together with the id and timestamp in header, and that the timestamp is
// within Tolerance of now. It returns nil or an error wrapping
// ErrMissingHeaders, ErrInvalidTimestamp, ErrTimestampSkew or
// ErrBadSignature. Signatures of other versions (such as "v1a") are skipped.
// Verify does not drop replays inside the tolerance window; receivers
// deduplicate by webhook-id for that.
func (v *Verifier) Verify(header http.Header, body []byte, now time.Time) error {
	id := header.Get(HeaderID)
	tsText := header.Get(HeaderTimestamp)
	sigs := header.Values(HeaderSignature)
	if id == "" || tsText == "" || len(sigs) == 0 || sigs[0] == "" {
		return ErrMissingHeaders
	}
	unix, err := parseTimestamp(tsText)
	if err != nil {
		return err
	}
	if err := checkSkew(time.Unix(unix, 0), now); err != nil {
		return err
	}
	expected := make([][]byte, len(v.keys))
	for i, k := range v.keys {
		expected[i] = mac(k, id, unix, body)
	}
	return matchSignatures(sigs, expected)
}

// parseTimestamp accepts only decimal digits: strconv.ParseInt alone would
// also take a sign.
func parseTimestamp(s string) (int64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: not unix seconds", ErrInvalidTimestamp)
		}
	}
	unix, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: out of range", ErrInvalidTimestamp)
	}
	return unix, nil
}

func checkSkew(ts, now time.Time) error {
	switch d := now.Sub(ts); {
	case d > Tolerance:
		return fmt.Errorf("%w: %s old", ErrTimestampSkew, d.Truncate(time.Second))
	case d < -Tolerance:
		return fmt.Errorf("%w: %s in the future", ErrTimestampSkew, (-d).Truncate(time.Second))
	}
	return nil
}

// matchSignatures looks for any v1 entry of the header values that equals
// any expected MAC. The comparison is constant-time so that the receiver
// cannot be used as an oracle to forge a signature byte by byte.
func matchSignatures(values []string, expected [][]byte) error {
	sawV1 := false
	for _, value := range values {
		for _, entry := range strings.Fields(value) {
			version, sig, ok := strings.Cut(entry, ",")
			if !ok || version != signatureVersion {
				continue
			}
			sawV1 = true
			for _, want := range expected {
				if hmac.Equal([]byte(sig), want) {
					return nil
				}
			}
		}
	}
	if !sawV1 {
		return fmt.Errorf("%w: no v1 signature", ErrBadSignature)
	}
	return ErrBadSignature
}
