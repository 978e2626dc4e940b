package store

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUint64Conversion(t *testing.T) {
	tests := []struct {
		name string
		u    uint64
		i    int64
	}{
		{"zero", 0, 0},
		{"one", 1, 1},
		{"largest below 2^63", 1<<63 - 1, math.MaxInt64},
		{"2^63", 1 << 63, math.MinInt64},
		{"2^63+1", 1<<63 + 1, math.MinInt64 + 1},
		{"max", math.MaxUint64, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toInt64(tt.u); got != tt.i {
				t.Errorf("toInt64(%d) = %d, want %d", tt.u, got, tt.i)
			}
			if got := toUint64(tt.i); got != tt.u {
				t.Errorf("toUint64(%d) = %d, want %d", tt.i, got, tt.u)
			}
		})
	}
}

func TestKeysConversion(t *testing.T) {
	keys := []uint64{math.MaxUint64, 5, 1 << 63, 5, math.MaxUint64}
	stored := keysToInt64(keys)
	if d := cmp.Diff([]int64{-1, 5, math.MinInt64}, stored); d != "" {
		t.Errorf("keysToInt64 (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]uint64{5, 1 << 63, math.MaxUint64}, keysToUint64(stored)); d != "" {
		t.Errorf("keysToUint64 (-want +got):\n%s", d)
	}
}

func TestNormTime(t *testing.T) {
	local := time.FixedZone("CEST", 2*60*60)
	in := time.Date(2024, 5, 17, 11, 30, 0, 123456789, local)
	want := time.Date(2024, 5, 17, 9, 30, 0, 123456000, time.UTC)
	if got := normTime(in); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("normTime(%v) = %v, want %v", in, got, want)
	}
	if got := normTime(time.Time{}); !got.IsZero() {
		t.Errorf("normTime(zero) = %v, want zero", got)
	}
}
