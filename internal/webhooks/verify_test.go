package webhooks

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Test vector from the Standard Webhooks reference libraries
// (libraries/go/webhook_test.go, TestWebhookSign).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func mustSecret(tb testing.TB, s string) []byte {
	tb.Helper()
	key, err := ParseSecret(s)
	if err != nil {
		tb.Fatalf("ParseSecret: %v", err)
	}
	return key
}

// testKey returns a valid 32-byte key that differs for each seed.
func testKey(seed byte) []byte {
	key := make([]byte, 32)
	for i := range key {
		key[i] = seed + byte(i)
	}
	return key
}

func signedHeader(id string, ts int64, sigs ...string) http.Header {
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, strings.Join(sigs, " "))
	return h
}

func TestSignVector(t *testing.T) {
	key := mustSecret(t, vectorSecret)
	got := Sign(key, vectorID, time.Unix(vectorTimestamp, 0), []byte(vectorBody))
	if got != vectorSignature {
		t.Errorf("Sign = %q, want %q", got, vectorSignature)
	}
}

func TestParseSecret(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantLen int
		wantErr bool
	}{
		{name: "prefixed", in: vectorSecret, wantLen: 24},
		{name: "bare base64", in: strings.TrimPrefix(vectorSecret, SecretPrefix), wantLen: 24},
		{name: "surrounding space", in: " " + vectorSecret + "\n", wantLen: 24},
		{name: "64 bytes", in: FormatSecret(make([]byte, 64)), wantLen: 64},
		{name: "empty", in: "", wantErr: true},
		{name: "prefix only", in: SecretPrefix, wantErr: true},
		{name: "not base64", in: "whsec_not*base64!", wantErr: true},
		{name: "too short", in: FormatSecret(make([]byte, 23)), wantErr: true},
		{name: "too long", in: FormatSecret(make([]byte, 65)), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := ParseSecret(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidSecret) {
					t.Fatalf("ParseSecret err = %v, want ErrInvalidSecret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSecret: %v", err)
			}
			if len(key) != tt.wantLen {
				t.Errorf("len(key) = %d, want %d", len(key), tt.wantLen)
			}
		})
	}
}

func TestParseSecretErrorHidesSecret(t *testing.T) {
	const secret = "whsec_c2VjcmV0"
	_, err := ParseSecret(secret)
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("ParseSecret error = %v; want an error that does not echo the secret", err)
	}
}

func TestVerify(t *testing.T) {
	vecKey := mustSecret(t, vectorSecret)
	oldKey, newKey := testKey(1), testKey(100)
	now := time.Unix(vectorTimestamp, 0)
	ts := now.Unix()
	body := []byte(vectorBody)
	sig := func(key []byte) string { return Sign(key, vectorID, now, body) }

	tests := []struct {
		name   string
		keys   [][]byte
		header http.Header
		body   string
		now    time.Time
		want   error
	}{
		{name: "reference vector", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature)},
		{name: "tampered body", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature), body: `{"test": 2432232315}`, want: ErrBadSignature},
		{name: "tampered id", keys: [][]byte{vecKey}, header: signedHeader("msg_other", ts, vectorSignature), want: ErrBadSignature},
		{name: "tampered timestamp", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts+1, vectorSignature), want: ErrBadSignature},
		{name: "wrong secret", keys: [][]byte{oldKey}, header: signedHeader(vectorID, ts, vectorSignature), want: ErrBadSignature},
		{name: "valid among several", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, sig(oldKey), "v2,"+strings.TrimPrefix(vectorSignature, "v1,"), vectorSignature, sig(newKey))},
		{name: "unknown versions only", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, "v1a,"+strings.TrimPrefix(vectorSignature, "v1,"), "v2,x"), want: ErrBadSignature},
		{name: "malformed entries skipped", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, "garbage", ",", "v1", "  ", vectorSignature)},
		{name: "signature header split over lines", keys: [][]byte{vecKey}, header: func() http.Header {
			h := signedHeader(vectorID, ts, sig(oldKey))
			h.Add(HeaderSignature, vectorSignature)
			return h
		}()},
		{name: "rotation: old secret still accepted", keys: [][]byte{newKey, oldKey}, header: signedHeader(vectorID, ts, sig(oldKey))},
		{name: "rotation: new secret accepted", keys: [][]byte{newKey, oldKey}, header: signedHeader(vectorID, ts, sig(newKey))},
		{name: "rotation: both signatures sent", keys: [][]byte{newKey}, header: signedHeader(vectorID, ts, sig(oldKey), sig(newKey))},
		{name: "rotation: retired secret refused", keys: [][]byte{newKey}, header: signedHeader(vectorID, ts, sig(oldKey)), want: ErrBadSignature},
		{name: "missing id", keys: [][]byte{vecKey}, header: without(signedHeader(vectorID, ts, vectorSignature), HeaderID), want: ErrMissingHeaders},
		{name: "missing timestamp", keys: [][]byte{vecKey}, header: without(signedHeader(vectorID, ts, vectorSignature), HeaderTimestamp), want: ErrMissingHeaders},
		{name: "missing signature", keys: [][]byte{vecKey}, header: without(signedHeader(vectorID, ts, vectorSignature), HeaderSignature), want: ErrMissingHeaders},
		{name: "empty signature", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, ""), want: ErrMissingHeaders},
		{name: "signed timestamp", keys: [][]byte{vecKey}, header: withTimestamp(signedHeader(vectorID, ts, vectorSignature), "+1614265330"), want: ErrInvalidTimestamp},
		{name: "fractional timestamp", keys: [][]byte{vecKey}, header: withTimestamp(signedHeader(vectorID, ts, vectorSignature), "1614265330.5"), want: ErrInvalidTimestamp},
		{name: "millisecond timestamp", keys: [][]byte{vecKey}, header: withTimestamp(signedHeader(vectorID, ts, vectorSignature), "1614265330000"), want: ErrTimestampSkew},
		{name: "overflowing timestamp", keys: [][]byte{vecKey}, header: withTimestamp(signedHeader(vectorID, ts, vectorSignature), "99999999999999999999"), want: ErrInvalidTimestamp},
		{name: "leading zero timestamp", keys: [][]byte{vecKey}, header: withTimestamp(signedHeader(vectorID, ts, vectorSignature), "01614265330")},
		{name: "exactly 5 min old", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature), now: now.Add(Tolerance)},
		{name: "exactly 5 min ahead", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature), now: now.Add(-Tolerance)},
		{name: "too old", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature), now: now.Add(Tolerance + time.Second), want: ErrTimestampSkew},
		{name: "too new", keys: [][]byte{vecKey}, header: signedHeader(vectorID, ts, vectorSignature), now: now.Add(-Tolerance - time.Second), want: ErrTimestampSkew},
		{name: "skew checked before signature", keys: [][]byte{oldKey}, header: signedHeader(vectorID, ts, vectorSignature), now: now.Add(time.Hour), want: ErrTimestampSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(tt.keys...)
			if err != nil {
				t.Fatal(err)
			}
			b := body
			if tt.body != "" {
				b = []byte(tt.body)
			}
			at := now
			if !tt.now.IsZero() {
				at = tt.now
			}
			err = v.Verify(tt.header, b, at)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func without(h http.Header, key string) http.Header {
	h.Del(key)
	return h
}

func withTimestamp(h http.Header, ts string) http.Header {
	h.Set(HeaderTimestamp, ts)
	return h
}

func TestSignVerifyRoundTrip(t *testing.T) {
	key := testKey(7)
	v, err := NewVerifier(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 4, 5, 6, 7, 800_000_000, time.UTC)
	bodies := []string{"", "{}", `{"type":"cluster.changed","members":[1,2,3]}`, "not json at all \x00\xff"}
	for _, body := range bodies {
		t.Run(strconv.Quote(body), func(t *testing.T) {
			h := signedHeader("evt_42", now.Unix(), Sign(key, "evt_42", now, []byte(body)))
			if err := v.Verify(h, []byte(body), now.Add(time.Minute)); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestNewVerifier(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
	}{
		{name: "none"},
		{name: "empty key", keys: [][]byte{testKey(1), nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewVerifier(tt.keys...); !errors.Is(err, ErrNoSecrets) {
				t.Errorf("NewVerifier err = %v, want ErrNoSecrets", err)
			}
		})
	}
}

// TestVerifierCopiesKeys checks that a caller reusing its key buffer after
// NewVerifier cannot change what the Verifier accepts.
func TestVerifierCopiesKeys(t *testing.T) {
	key := testKey(3)
	v, err := NewVerifier(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(vectorTimestamp, 0)
	h := signedHeader("id", now.Unix(), Sign(testKey(3), "id", now, nil))
	clear(key)
	if err := v.Verify(h, nil, now); err != nil {
		t.Errorf("Verify after caller cleared its key: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(vectorID, "1614265330", vectorSignature, []byte(vectorBody))
	f.Add("", "", "", []byte(nil))
	f.Add("id", "-1", "v1,", []byte("x"))
	f.Add("id", "1614265330", "v1a,abc v1,, ,v1 v1,=== v2,Zm9v", []byte("{}"))
	f.Add("a.b", "00000000000000000001614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\tv1,x", []byte(vectorBody))
	key := mustSecret(f, vectorSecret)
	v, err := NewVerifier(key, testKey(9))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(vectorTimestamp, 0)
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set(HeaderID, id)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, sig)
		err := v.Verify(h, body, now)
		known := []error{ErrMissingHeaders, ErrInvalidTimestamp, ErrTimestampSkew, ErrBadSignature}
		if err != nil && !isAny(err, known) {
			t.Fatalf("Verify returned an unclassified error: %v", err)
		}
		if err == nil {
			// An accepted header must carry, as one whole entry, the v1
			// signature of this id, timestamp and body under one of the keys.
			unix, perr := parseTimestamp(ts)
			if perr != nil {
				t.Fatalf("Verify accepted timestamp %q that does not parse: %v", ts, perr)
			}
			at, entries := time.Unix(unix, 0), strings.Fields(sig)
			if !slices.Contains(entries, Sign(key, id, at, body)) && !slices.Contains(entries, Sign(testKey(9), id, at, body)) {
				t.Fatalf("Verify accepted a header without a valid signature: ts=%q sig=%q", ts, sig)
			}
		}
	})
}

func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
