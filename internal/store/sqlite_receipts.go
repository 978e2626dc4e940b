package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func scanLiteHookReceipt(s rowScanner) (*HookReceipt, error) {
	var r HookReceipt
	var articleID sql.NullInt64
	var response sql.NullString
	var created int64
	if err := s.Scan(&r.WebhookID, &articleID, &r.Status, &response, &created); err != nil {
		return nil, err
	}
	r.ArticleID, r.CreatedAt = articleID.Int64, fromUnixMicro(created)
	if response.Valid {
		r.Response = []byte(response.String)
	}
	return &r, nil
}

const liteGetHookReceiptSQL = `
SELECT ` + hookReceiptColumns + `
FROM hook_receipts
WHERE webhook_id = ?`

// GetHookReceipt returns the receipt of a webhook or an error wrapping
// dedup.ErrNotFound.
func (e *Embedded) GetHookReceipt(ctx context.Context, webhookID string) (*HookReceipt, error) {
	r, err := scanLiteHookReceipt(e.r.QueryRowContext(ctx, liteGetHookReceiptSQL, webhookID))
	if err != nil {
		return nil, liteErr("get hook receipt", err)
	}
	return r, nil
}

const liteInsertHookReceiptSQL = `
INSERT INTO hook_receipts (webhook_id, article_id, status, response, created_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (webhook_id) DO NOTHING
RETURNING ` + hookReceiptColumns

// InsertHookReceipt stores r unless a receipt for r.WebhookID exists, as
// DB.InsertHookReceipt does. The Response is kept byte for byte.
func (e *Embedded) InsertHookReceipt(ctx context.Context, r HookReceipt) (*HookReceipt, bool, error) {
	if r.WebhookID == "" {
		return nil, false, fmt.Errorf("insert hook receipt: %w",
			&dedup.ValidationError{Field: "webhook_id", Message: "is required"})
	}
	var stored *HookReceipt
	inserted := true
	err := e.write(ctx, func(tx *sql.Tx) error {
		var err error
		stored, err = scanLiteHookReceipt(tx.QueryRowContext(ctx, liteInsertHookReceiptSQL,
			r.WebhookID, nullID(r.ArticleID), r.Status, nullJSON(r.Response), nowMicro()))
		if errors.Is(err, sql.ErrNoRows) {
			inserted = false
			stored, err = scanLiteHookReceipt(tx.QueryRowContext(ctx, liteGetHookReceiptSQL, r.WebhookID))
		}
		return err
	})
	if err != nil {
		return nil, false, liteErr("insert hook receipt", err)
	}
	return stored, inserted, nil
}

// nullJSON binds a JSON document as TEXT, as the column is declared (the
// driver would bind a []byte as a BLOB), and nil as NULL.
func nullJSON(b []byte) sql.NullString {
	return sql.NullString{String: string(b), Valid: b != nil}
}
