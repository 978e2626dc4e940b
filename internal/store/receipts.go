package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// HookReceipt records how an inbound webhook was answered, so that a
// redelivery of the same webhook gets the same answer without being
// processed again.
type HookReceipt struct {
	WebhookID string
	ArticleID int64 // 0 when no article was stored
	Status    int   // the HTTP status answered
	// Response is the JSON body answered, or nil. Postgres stores it as
	// jsonb, which keeps its meaning but not its exact bytes (whitespace, key
	// order).
	Response  []byte
	CreatedAt time.Time // set by the store
}

const hookReceiptColumns = `webhook_id, article_id, status, response, created_at`

type hookReceiptRow struct {
	WebhookID string    `db:"webhook_id"`
	ArticleID *int64    `db:"article_id"`
	Status    int       `db:"status"`
	Response  []byte    `db:"response"`
	CreatedAt time.Time `db:"created_at"`
}

func collectHookReceipt(rows pgx.Rows) (*HookReceipt, error) {
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[hookReceiptRow])
	if err != nil {
		return nil, err
	}
	return &HookReceipt{WebhookID: r.WebhookID, ArticleID: idOrZero(r.ArticleID), Status: r.Status,
		Response: r.Response, CreatedAt: r.CreatedAt.UTC()}, nil
}

const getHookReceiptSQL = `
SELECT ` + hookReceiptColumns + `
FROM hook_receipts
WHERE webhook_id = $1`

// GetHookReceipt returns the receipt of a webhook or an error wrapping
// dedup.ErrNotFound.
func (db *DB) GetHookReceipt(ctx context.Context, webhookID string) (*HookReceipt, error) {
	rows, _ := db.pool.Query(ctx, getHookReceiptSQL, webhookID)
	r, err := collectHookReceipt(rows)
	if err != nil {
		return nil, pgErr("get hook receipt", err)
	}
	return r, nil
}

const insertHookReceiptSQL = `
INSERT INTO hook_receipts (webhook_id, article_id, status, response)
VALUES ($1, $2, $3, $4)
ON CONFLICT (webhook_id) DO NOTHING
RETURNING ` + hookReceiptColumns

// InsertHookReceipt stores r unless a receipt for r.WebhookID exists. It
// returns the stored receipt and whether it is r (true) or one stored
// earlier (false), so two concurrent deliveries of one webhook agree on a
// single answer. An empty WebhookID or a Response that is not JSON is an
// error wrapping dedup.ErrInvalid.
func (db *DB) InsertHookReceipt(ctx context.Context, r HookReceipt) (*HookReceipt, bool, error) {
	if r.WebhookID == "" {
		return nil, false, fmt.Errorf("insert hook receipt: %w",
			&dedup.ValidationError{Field: "webhook_id", Message: "is required"})
	}
	rows, _ := db.pool.Query(ctx, insertHookReceiptSQL, r.WebhookID, nullID(r.ArticleID), r.Status, r.Response)
	stored, err := collectHookReceipt(rows)
	if err == nil {
		return stored, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, pgErr("insert hook receipt", err)
	}
	// Skipped: a receipt exists, committed before our insert returned.
	stored, err = db.GetHookReceipt(ctx, r.WebhookID)
	if err != nil {
		return nil, false, fmt.Errorf("insert hook receipt: %w", err)
	}
	return stored, false, nil
}
