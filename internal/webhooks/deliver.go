package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	userAgent = "newsdedup-webhooks/1"
	// maxDrain bounds how much of a response body is read so that the
	// connection can be reused; a larger body is dropped with the connection.
	maxDrain = 64 << 10
	// markTimeout bounds recording an outcome. It runs detached from the
	// Run context so that an attempt that reached the subscriber is still
	// recorded during shutdown.
	markTimeout = 5 * time.Second
)

// attempt is the outcome of one HTTP attempt.
type attempt struct {
	status     int           // 0 when no response arrived
	err        error         // nil when delivered
	permanent  bool          // retrying cannot succeed
	retryAfter time.Duration // the receiver's Retry-After, if any
	duration   time.Duration
}

// deliver makes one attempt at d and records its outcome.
func (w *Worker) deliver(ctx context.Context, d Delivery) {
	sub, ok := w.subs[d.Subscriber]
	var a attempt
	if ok {
		a = w.send(ctx, sub, d)
	} else {
		// Configuration changed since the event was queued. Retrying cannot
		// help until an operator acts, so park it where it can be replayed.
		a = attempt{err: errors.New("unknown subscriber"), permanent: true}
	}
	if a.err != nil && ctx.Err() != nil {
		// Shutting down: the failure is ours, not the subscriber's. Leave the
		// claim to expire so the attempt is not counted.
		w.log.Info("webhook delivery interrupted", deliveryAttrs(d)...)
		return
	}
	w.record(ctx, d, a)
}

// send POSTs the payload with the Standard Webhooks headers.
func (w *Worker) send(ctx context.Context, sub Subscriber, d Delivery) attempt {
	start := w.opts.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return attempt{err: errors.New("build request"), permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderID, d.WebhookID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(start.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(sub.Secret, d.WebhookID, start, d.Payload))
	resp, err := w.client.Do(req)
	if err != nil {
		return attempt{err: stripURL(err), duration: w.opts.Now().Sub(start)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	return classify(resp, w.opts.Now().Sub(start), w.opts.Now())
}

// classify maps a response to an outcome. 2xx is success; 410 Gone means
// the receiver wants no more webhooks, which Standard Webhooks says not to
// retry; anything else, 3xx included, is a failure worth retrying.
func classify(resp *http.Response, dur time.Duration, now time.Time) attempt {
	a := attempt{status: resp.StatusCode, duration: dur}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return a
	case resp.StatusCode == http.StatusGone:
		a.permanent = true
	}
	a.err = fmt.Errorf("http status %d", resp.StatusCode)
	a.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	return a
}

// parseRetryAfter reads delay-seconds or an HTTP-date; it returns 0 when
// the header is absent or unusable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 32); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// stripURL drops the request URL from a client error: the error is stored
// as last_error and logged, and a subscriber URL may carry a token.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// record stores the outcome of an attempt: delivered, retry later, or
// parked once MaxAttempts is reached or the failure is permanent.
func (w *Worker) record(ctx context.Context, d Delivery, a attempt) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	attempts := d.Attempts + 1
	log := w.log.With(deliveryAttrs(d)...).With("attempt", attempts, "status", a.status, "duration", a.duration)
	var err error
	switch {
	case a.err == nil:
		err = w.queue.MarkDelivered(mctx, d.ID, w.opts.Now())
		log.Info("webhook delivered")
	case a.permanent || attempts >= w.opts.MaxAttempts:
		err = w.queue.MarkFailed(mctx, d.ID, attempts, a.err.Error())
		log.Error("webhook delivery parked", "error", a.err.Error())
	default:
		next := w.opts.Now().Add(w.retryDelay(attempts, a.retryAfter))
		err = w.queue.MarkRetry(mctx, d.ID, attempts, next, a.err.Error())
		log.Warn("webhook delivery failed", "error", a.err.Error(), "next_attempt_at", next)
	}
	if err != nil {
		log.Error("record webhook delivery", "error", err)
	}
}

func deliveryAttrs(d Delivery) []any {
	return []any{"delivery_id", d.ID, "subscriber", d.Subscriber, "webhook_id", d.WebhookID, "event_type", d.Type}
}
