package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names defined by Standard Webhooks. http.Header canonicalizes them
// on Set and Get, so the lowercase spelling here is only documentation.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix marks a serialized symmetric signing secret.
const SecretPrefix = "whsec_"

// Secret sizes allowed by the specification: at least 192 bits, at most 512.
const (
	MinSecretLen = 24
	MaxSecretLen = 64
)

// signatureVersion identifies an HMAC-SHA256 signature. Asymmetric ("v1a")
// and future versions are ignored by Verify.
const signatureVersion = "v1"

// ErrInvalidSecret means a secret is not "whsec_" followed by standard
// base64 of 24 to 64 bytes.
var ErrInvalidSecret = errors.New("invalid webhook secret")

// ParseSecret decodes a serialized secret into the HMAC key. The "whsec_"
// prefix is optional, as in the reference libraries. The error never
// contains the secret.
func ParseSecret(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("%w: not base64", ErrInvalidSecret)
	}
	if len(key) < MinSecretLen || len(key) > MaxSecretLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d to %d", ErrInvalidSecret, len(key), MinSecretLen, MaxSecretLen)
	}
	return key, nil
}

// FormatSecret serializes a key as "whsec_<base64>", the inverse of
// ParseSecret.
func FormatSecret(key []byte) string {
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// Sign returns the webhook-signature value "v1,<base64>" for one message:
// HMAC-SHA256 keyed with secret over id + "." + unix seconds of ts + "." +
// body. The body must be the exact bytes that are sent.
func Sign(secret []byte, id string, ts time.Time, body []byte) string {
	return signatureVersion + "," + string(mac(secret, id, ts.Unix(), body))
}

// mac returns the base64-encoded HMAC of the signed content. The timestamp
// is formatted from its value, not copied from a header, so a receiver
// signs the same bytes as the sender even if the header had leading zeros.
func mac(secret []byte, id string, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, unix, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	sum := h.Sum(nil)
	out := make([]byte, base64.StdEncoding.EncodedLen(len(sum)))
	base64.StdEncoding.Encode(out, sum)
	return out
}
