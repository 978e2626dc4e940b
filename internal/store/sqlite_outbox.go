package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const liteInsertEventSQL = `
INSERT INTO outbox (subscriber, webhook_id, type, payload, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, ?, ?)`

// InsertEvents appends one outbox row per event and configured subscriber,
// due now; with no subscribers it writes nothing.
func (c *liteClusterTx) InsertEvents(ctx context.Context, events []dedup.Event) error {
	rows, err := outboxRows(events, c.subscribers)
	if err != nil {
		return liteErr("insert events", err)
	}
	now := nowMicro()
	for _, r := range rows {
		_, err := c.tx.ExecContext(ctx, liteInsertEventSQL, r.subscriber, r.webhookID, r.typ, r.payload, now, now)
		if err != nil {
			return liteErr("insert events", err)
		}
	}
	return nil
}

const liteDeliveryColumns = `id, subscriber, webhook_id, type, payload, status, attempts,
    next_attempt_at, last_error, created_at, delivered_at`

func scanLiteDeliveries(rows *sql.Rows) ([]Delivery, error) {
	defer rows.Close()
	var ds []Delivery
	for rows.Next() {
		var d Delivery
		var payload string
		var next, created int64
		var delivered sql.NullInt64
		err := rows.Scan(&d.ID, &d.Subscriber, &d.WebhookID, &d.Type, &payload, &d.Status, &d.Attempts,
			&next, &d.LastError, &created, &delivered)
		if err != nil {
			return nil, err
		}
		d.Payload = []byte(payload)
		d.NextAttemptAt, d.CreatedAt = fromUnixMicro(next), fromUnixMicro(created)
		d.DeliveredAt = fromNullUnixMicro(delivered)
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// liteClaimDeliveriesSQL needs no SKIP LOCKED: the write transaction it
// runs in excludes every other claimer.
const liteClaimDeliveriesSQL = `
UPDATE outbox
SET next_attempt_at = ?1
WHERE id IN (
    SELECT id FROM outbox
    WHERE status = 'pending' AND next_attempt_at <= ?2
    ORDER BY next_attempt_at, id
    LIMIT ?3
)
RETURNING ` + liteDeliveryColumns

// ClaimDeliveries claims due deliveries as DB.ClaimDeliveries does.
func (e *Embedded) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	if err := validateClaim(limit, lease); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if limit == 0 {
		return nil, nil
	}
	var ds []Delivery
	err := e.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, liteClaimDeliveriesSQL, unixMicro(now.Add(lease)), unixMicro(now), limit)
		if err != nil {
			return err
		}
		ds, err = scanLiteDeliveries(rows)
		return err
	})
	if err != nil {
		return nil, liteErr("claim deliveries", err)
	}
	sortDeliveries(ds)
	return ds, nil
}

const liteMarkDeliveredSQL = `
UPDATE outbox SET status = 'delivered', delivered_at = ? WHERE id = ?`

// MarkDelivered records that delivery id succeeded at at, or returns an
// error wrapping dedup.ErrNotFound.
func (e *Embedded) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	return liteExecOne(ctx, e.w, fmt.Sprintf("mark delivery %d delivered", id), liteMarkDeliveredSQL, unixMicro(at), id)
}

const liteMarkRetrySQL = `
UPDATE outbox SET status = 'pending', attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`

// MarkRetry records a failed attempt and when to try again, or returns an
// error wrapping dedup.ErrNotFound.
func (e *Embedded) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	return liteExecOne(ctx, e.w, fmt.Sprintf("mark delivery %d for retry", id), liteMarkRetrySQL,
		attempts, unixMicro(next), lastErr, id)
}

const liteMarkFailedSQL = `
UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?`

// MarkFailed parks a delivery until Redeliver, or returns an error wrapping
// dedup.ErrNotFound.
func (e *Embedded) MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error {
	return liteExecOne(ctx, e.w, fmt.Sprintf("mark delivery %d failed", id), liteMarkFailedSQL, attempts, lastErr, id)
}

const liteRedeliverSQL = `
UPDATE outbox
SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
WHERE id = ?`

// Redeliver makes a delivery pending and due now as DB.Redeliver does.
func (e *Embedded) Redeliver(ctx context.Context, id int64) error {
	return liteExecOne(ctx, e.w, fmt.Sprintf("redeliver %d", id), liteRedeliverSQL, nowMicro(), id)
}

const liteListDeliveriesSQL = `
SELECT ` + liteDeliveryColumns + `
FROM outbox
WHERE ?1 = '' OR status = ?1
ORDER BY id
LIMIT ?2`

// ListDeliveries lists deliveries as DB.ListDeliveries does.
func (e *Embedded) ListDeliveries(ctx context.Context, status DeliveryStatus, limit int) ([]Delivery, error) {
	if err := validateListDeliveries(status, limit); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	if limit == 0 {
		limit = -1
	}
	rows, err := e.r.QueryContext(ctx, liteListDeliveriesSQL, string(status), limit)
	if err != nil {
		return nil, liteErr("list deliveries", err)
	}
	ds, err := scanLiteDeliveries(rows)
	return ds, liteErr("list deliveries", err)
}
