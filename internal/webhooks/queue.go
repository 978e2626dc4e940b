package webhooks

import (
	"context"
	"time"
)

// Delivery is one event addressed to one subscriber, as claimed from the
// outbox.
type Delivery struct {
	ID int64
	// Subscriber is the Name of the Subscriber to deliver to.
	Subscriber string
	// WebhookID is sent as webhook-id. It stays the same on every attempt so
	// that the receiver can drop duplicates.
	WebhookID string
	// Type is the event type; it is only logged.
	Type string
	// Payload is the exact JSON body that is signed and sent.
	Payload []byte
	// Attempts counts the attempts made before this claim.
	Attempts  int
	CreatedAt time.Time
}

// Queue is the outbox as the Worker sees it. internal/store implements it.
// Every method takes ctx first; errors are returned wrapped, and the Worker
// only logs them.
type Queue interface {
	// ClaimDeliveries returns at most limit deliveries that are due at now
	// (pending, next attempt at or before now, not leased), oldest first,
	// and leases them until now+lease so that other workers skip them. A
	// delivery whose worker died becomes claimable again when its lease
	// runs out, which is why delivery is at-least-once.
	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	// MarkDelivered records a successful attempt; the delivery is never
	// claimed again.
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	// MarkRetry records a failed attempt: attempts is the new total, and the
	// delivery becomes due again at next.
	MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error
	// MarkFailed parks a delivery that will not be retried: it ran out of
	// attempts or cannot succeed. It is never claimed again.
	MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error
}

// Subscriber is a configured receiver of outbound events.
type Subscriber struct {
	Name   string // matches Delivery.Subscriber
	URL    string // http or https endpoint that receives a POST per event
	Secret []byte // HMAC key, as returned by ParseSecret; never logged
}
