package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Delivery statuses, as the event log reports and filters them.
const (
	DeliveryPending   = "pending"   // due at NextAttemptAt
	DeliveryDelivered = "delivered" // the subscriber answered 2xx
	DeliveryFailed    = "failed"    // parked until redelivered
)

// Bounds of the limit query parameter of GET /v1/events.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// Delivery is one outbound event addressed to one subscriber.
type Delivery struct {
	ID            int64
	Subscriber    string
	WebhookID     string // sent as webhook-id on every attempt
	Type          string
	Payload       []byte // the event as JSON
	Status        string // DeliveryPending, DeliveryDelivered or DeliveryFailed
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time // zero until delivered
}

// EventLog is the outbox of outbound events as the admin endpoints see it.
type EventLog interface {
	// ListDeliveries returns at most limit deliveries with the given
	// status, or of any status when it is "", oldest first. An unknown
	// status wraps dedup.ErrInvalid.
	ListDeliveries(ctx context.Context, status string, limit int) ([]Delivery, error)
	// Redeliver makes a delivery pending and due now, with a fresh count of
	// attempts, or returns an error wrapping dedup.ErrNotFound.
	Redeliver(ctx context.Context, id int64) error
}

// deliveryJSON is a delivery as GET /v1/events shows it.
type deliveryJSON struct {
	ID            int64           `json:"id"`
	Subscriber    string          `json:"subscriber"`
	WebhookID     string          `json:"webhook_id"`
	Type          string          `json:"type"`
	Status        string          `json:"status"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt time.Time       `json:"next_attempt_at,omitzero"`
	LastError     string          `json:"last_error,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	DeliveredAt   time.Time       `json:"delivered_at,omitzero"`
	Payload       json.RawMessage `json:"payload"`
}

func newDeliveryJSON(d Delivery) deliveryJSON {
	out := deliveryJSON{
		ID:          d.ID,
		Subscriber:  d.Subscriber,
		WebhookID:   d.WebhookID,
		Type:        d.Type,
		Status:      d.Status,
		Attempts:    d.Attempts,
		LastError:   d.LastError,
		CreatedAt:   d.CreatedAt.UTC(),
		DeliveredAt: d.DeliveredAt.UTC(),
		Payload:     d.Payload,
	}
	// Only a pending delivery has a next attempt.
	if d.Status == DeliveryPending {
		out.NextAttemptAt = d.NextAttemptAt.UTC()
	}
	return out
}

type eventListJSON struct {
	Events []deliveryJSON `json:"events"`
}

// redeliveryJSON answers a redelivery.
type redeliveryJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// errNoEventLog answers the event endpoints of a server without one.
var errNoEventLog = errorf(http.StatusNotFound, codeNotFound, "outbound events are not configured on this server")

func (s *Server) handleListEvents(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Events == nil {
		return errNoEventLog
	}
	status, limit, err := parseEventQuery(r)
	if err != nil {
		return err
	}
	ds, err := s.cfg.Events.ListDeliveries(r.Context(), status, limit)
	if err != nil {
		return err
	}
	out := eventListJSON{Events: make([]deliveryJSON, 0, len(ds))}
	for _, d := range ds {
		out.Events = append(out.Events, newDeliveryJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

// parseEventQuery reads the optional status and limit parameters.
func parseEventQuery(r *http.Request) (string, int, error) {
	q := r.URL.Query()
	status := q.Get("status")
	switch status {
	case "", DeliveryPending, DeliveryDelivered, DeliveryFailed:
	default:
		return "", 0, invalid("status", "must be %s, %s or %s, not %q", DeliveryPending, DeliveryDelivered, DeliveryFailed, status)
	}
	limit := defaultEventLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxEventLimit {
			return "", 0, invalid("limit", "must be an integer from 1 to %d, not %q", maxEventLimit, v)
		}
		limit = n
	}
	return status, limit, nil
}

func (s *Server) handleRedeliverEvent(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Events == nil {
		return errNoEventLog
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cfg.Events.Redeliver(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, redeliveryJSON{ID: id, Status: DeliveryPending})
}
