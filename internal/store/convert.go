package store

import (
	"slices"
	"time"
)

// Fingerprint hashes and candidate keys are uint64 in dedup and BIGINT, which
// is signed, in SQL. They are stored bit for bit: values >= 2^63 become
// negative int64s and come back unchanged. Convert only through these.

func toInt64(u uint64) int64 { return int64(u) }

func toUint64(i int64) uint64 { return uint64(i) }

// keysToInt64 converts candidate keys for SQL, dropping duplicates (a key is
// one posting per article) while keeping the first-seen order.
func keysToInt64(keys []uint64) []int64 {
	out := make([]int64, 0, len(keys))
	seen := make(map[uint64]struct{}, len(keys))
	for _, k := range keys {
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, toInt64(k))
	}
	return out
}

// keysToUint64 converts stored keys back, in ascending uint64 order.
func keysToUint64(keys []int64) []uint64 {
	out := make([]uint64, len(keys))
	for i, k := range keys {
		out[i] = toUint64(k)
	}
	slices.Sort(out)
	return out
}

// normTime is a time as both stores keep it: UTC, microsecond precision.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Microsecond).UTC()
}

// nullTime maps the zero time ("unknown") to SQL NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = normTime(t)
	return &t
}

// timeOrZero maps SQL NULL back to the zero time.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullString maps "" to SQL NULL (an article without an external id).
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func stringOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nullID maps id 0 ("none") to SQL NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func idOrZero(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}
