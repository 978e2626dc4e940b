package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

const insertEventsSQL = `
INSERT INTO outbox (subscriber, webhook_id, type, payload)
SELECT subscriber, webhook_id, type, payload
FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS t(subscriber, webhook_id, type, payload)`

// InsertEvents appends one outbox row per event and configured subscriber
// (see WithSubscribers), due now; with no subscribers it writes nothing.
func (c *clusterTx) InsertEvents(ctx context.Context, events []dedup.Event) error {
	rows, err := outboxRows(events, c.subscribers)
	if err != nil || len(rows) == 0 {
		return pgErr("insert events", err)
	}
	sub, id := make([]string, len(rows)), make([]string, len(rows))
	typ, payload := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		sub[i], id[i], typ[i], payload[i] = r.subscriber, r.webhookID, r.typ, r.payload
	}
	_, err = c.tx.Exec(ctx, insertEventsSQL, sub, id, typ, payload)
	return pgErr("insert events", err)
}

const deliveryColumns = `id, subscriber, webhook_id, type, payload, status, attempts,
    next_attempt_at, last_error, created_at, delivered_at`

type deliveryRow struct {
	ID            int64      `db:"id"`
	Subscriber    string     `db:"subscriber"`
	WebhookID     string     `db:"webhook_id"`
	Type          string     `db:"type"`
	Payload       []byte     `db:"payload"`
	Status        string     `db:"status"`
	Attempts      int        `db:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	LastError     string     `db:"last_error"`
	CreatedAt     time.Time  `db:"created_at"`
	DeliveredAt   *time.Time `db:"delivered_at"`
}

func collectDeliveries(rows pgx.Rows) ([]Delivery, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Delivery, error) {
		r, err := pgx.RowToStructByName[deliveryRow](row)
		return Delivery{
			ID: r.ID, Subscriber: r.Subscriber, WebhookID: r.WebhookID,
			Type: dedup.EventType(r.Type), Payload: r.Payload, Status: DeliveryStatus(r.Status),
			Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.UTC(), LastError: r.LastError,
			CreatedAt: r.CreatedAt.UTC(), DeliveredAt: timeOrZero(r.DeliveredAt),
		}, err
	})
}

// claimDeliveriesSQL takes due rows that no other claimer holds (SKIP
// LOCKED) and pushes them lease into the future in the same statement. A
// concurrent claimer that read a row before this commit re-checks it after
// and finds it no longer due, so no row is claimed twice.
const claimDeliveriesSQL = `
WITH due AS (
    SELECT id
    FROM outbox
    WHERE status = 'pending' AND next_attempt_at <= $1
    ORDER BY next_attempt_at, id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox AS o
SET next_attempt_at = $3
FROM due
WHERE o.id = due.id
RETURNING o.id, o.subscriber, o.webhook_id, o.type, o.payload, o.status, o.attempts,
    o.next_attempt_at, o.last_error, o.created_at, o.delivered_at`

// ClaimDeliveries returns up to limit pending deliveries due at now, oldest
// due first, and moves their NextAttemptAt to now+lease: until then no other
// claimer gets them, and if the worker dies its claim simply expires. The
// worker must then call MarkDelivered, MarkRetry or MarkFailed.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	if err := validateClaim(limit, lease); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if limit == 0 {
		return nil, nil
	}
	rows, _ := db.pool.Query(ctx, claimDeliveriesSQL, now, limit, now.Add(lease))
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, pgErr("claim deliveries", err)
	}
	sortDeliveries(ds)
	return ds, nil
}

const markDeliveredSQL = `
UPDATE outbox
SET status = 'delivered', delivered_at = $2
WHERE id = $1`

// MarkDelivered records that delivery id succeeded at at, or returns an
// error wrapping dedup.ErrNotFound.
func (db *DB) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	return db.execOne(ctx, fmt.Sprintf("mark delivery %d delivered", id), markDeliveredSQL, id, at)
}

const markRetrySQL = `
UPDATE outbox
SET status = 'pending', attempts = $2, next_attempt_at = $3, last_error = $4
WHERE id = $1`

// MarkRetry records a failed attempt and when to try again, or returns an
// error wrapping dedup.ErrNotFound. attempts is the number of attempts made.
func (db *DB) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	return db.execOne(ctx, fmt.Sprintf("mark delivery %d for retry", id), markRetrySQL, id, attempts, next, lastErr)
}

const markFailedSQL = `
UPDATE outbox
SET status = 'failed', attempts = $2, last_error = $3
WHERE id = $1`

// MarkFailed parks a delivery that will not be retried until Redeliver, or
// returns an error wrapping dedup.ErrNotFound.
func (db *DB) MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error {
	return db.execOne(ctx, fmt.Sprintf("mark delivery %d failed", id), markFailedSQL, id, attempts, lastErr)
}

const redeliverSQL = `
UPDATE outbox
SET status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL
WHERE id = $1`

// Redeliver makes a delivery pending and due now with a fresh attempt count,
// whatever its status: a failed one is retried, a delivered one sent again
// (receivers deduplicate on its unchanged WebhookID). A missing delivery is
// an error wrapping dedup.ErrNotFound.
func (db *DB) Redeliver(ctx context.Context, id int64) error {
	return db.execOne(ctx, fmt.Sprintf("redeliver %d", id), redeliverSQL, id)
}

const listDeliveriesSQL = `
SELECT ` + deliveryColumns + `
FROM outbox
WHERE $1 = '' OR status = $1
ORDER BY id
LIMIT $2`

// ListDeliveries returns deliveries in id order: those with the given status,
// or all if status is "". A limit of 0 means no limit. An unknown status or
// a negative limit is an error wrapping dedup.ErrInvalid.
func (db *DB) ListDeliveries(ctx context.Context, status DeliveryStatus, limit int) ([]Delivery, error) {
	if err := validateListDeliveries(status, limit); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	rows, _ := db.pool.Query(ctx, listDeliveriesSQL, string(status), limitOrNull(limit))
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, pgErr("list deliveries", err)
	}
	return ds, nil
}

// execOne runs a statement that must change exactly one row; none is an
// error wrapping dedup.ErrNotFound.
func (db *DB) execOne(ctx context.Context, op, sql string, args ...any) error {
	tag, err := db.pool.Exec(ctx, sql, args...)
	if err == nil && tag.RowsAffected() == 0 {
		err = dedup.ErrNotFound
	}
	return pgErr(op, err)
}
