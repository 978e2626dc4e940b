package store

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// DeliveryStatus is where an outbox row stands.
type DeliveryStatus string

// Delivery statuses. A pending delivery is due at NextAttemptAt; a failed one
// is parked until Redeliver.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Delivery is one event to deliver to one subscriber (an outbox row).
type Delivery struct {
	ID         int64
	Subscriber string
	// WebhookID is unique per row and never changes: receivers deduplicate
	// redeliveries on it.
	WebhookID     string
	Type          dedup.EventType
	Payload       []byte // the dedup.Event as JSON
	Status        DeliveryStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time // zero until delivered
}

// outboxRow is one outbox row to insert.
type outboxRow struct {
	subscriber string
	webhookID  string
	typ        string
	payload    string
}

// outboxRows makes one row per event and subscriber.
func outboxRows(events []dedup.Event, subscribers []string) ([]outboxRow, error) {
	var rows []outboxRow
	for _, e := range events {
		payload, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode event: %w", err)
		}
		for _, s := range subscribers {
			rows = append(rows, outboxRow{subscriber: s, webhookID: newWebhookID(), typ: string(e.Type), payload: string(payload)})
		}
	}
	return rows, nil
}

// newWebhookID returns a random id in the "msg_" style of Standard Webhooks.
// rand.Text carries 128 random bits, which makes a collision (the UNIQUE
// constraint would turn it into an error) practically impossible.
func newWebhookID() string {
	return "msg_" + rand.Text()
}

// validDeliveryStatus reports whether s is a status ListDeliveries accepts.
func validDeliveryStatus(s DeliveryStatus) bool {
	switch s {
	case "", DeliveryPending, DeliveryDelivered, DeliveryFailed:
		return true
	}
	return false
}

func validateClaim(limit int, lease time.Duration) error {
	if limit < 0 {
		return &dedup.ValidationError{Field: "limit", Message: "must not be negative"}
	}
	if lease <= 0 {
		return &dedup.ValidationError{Field: "lease", Message: "must be positive"}
	}
	return nil
}

func validateListDeliveries(status DeliveryStatus, limit int) error {
	if !validDeliveryStatus(status) {
		return &dedup.ValidationError{Field: "status", Message: fmt.Sprintf("unknown status %q", status)}
	}
	if limit < 0 {
		return &dedup.ValidationError{Field: "limit", Message: "must not be negative"}
	}
	return nil
}

func sortDeliveries(ds []Delivery) {
	slices.SortFunc(ds, func(a, b Delivery) int { return cmp.Compare(a.ID, b.ID) })
}
