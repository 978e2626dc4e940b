package webhooks

import (
	"math"
	"time"
)

// retryDelay is how long to wait after the given number of failed attempts.
// A Retry-After from the receiver lengthens the wait but never past
// BackoffCap, so a receiver cannot hold deliveries back indefinitely.
func (w *Worker) retryDelay(failures int, retryAfter time.Duration) time.Duration {
	return max(w.backoff(failures), min(retryAfter, w.opts.BackoffCap))
}

// backoff is exponential backoff with full jitter: a uniform random
// duration in [0, min(cap, base·2^(failures-1))]. Full jitter spreads the
// retries of many deliveries that failed together (a receiver outage), so
// they do not return in lockstep when it recovers.
func (w *Worker) backoff(failures int) time.Duration {
	n := int64(backoffCeiling(w.opts.BackoffBase, w.opts.BackoffCap, failures))
	if n < math.MaxInt64 {
		n++ // Rand's range is half-open; include the ceiling itself
	}
	return time.Duration(w.opts.Rand(n))
}

// backoffCeiling is min(cap, base·2^(failures-1)), computed without
// overflow.
func backoffCeiling(base, limit time.Duration, failures int) time.Duration {
	ceil := base
	for i := 1; i < failures; i++ {
		if ceil > limit/2 {
			return limit
		}
		ceil *= 2
	}
	return min(ceil, limit)
}
