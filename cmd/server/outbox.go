package main

import (
	"context"
	"time"

	"github.com/newsdedup/newsdedup/internal/httpapi"
	"github.com/newsdedup/newsdedup/internal/store"
	"github.com/newsdedup/newsdedup/internal/webhooks"
)

// outboxStore is the outbox and the hook receipts as both stores offer
// them.
type outboxStore interface {
	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.Delivery, error)
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error
	MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error
	ListDeliveries(ctx context.Context, status store.DeliveryStatus, limit int) ([]store.Delivery, error)
	Redeliver(ctx context.Context, id int64) error
	GetHookReceipt(ctx context.Context, webhookID string) (*store.HookReceipt, error)
	InsertHookReceipt(ctx context.Context, r store.HookReceipt) (*store.HookReceipt, bool, error)
}

// outbox adapts the store to the delivery worker (webhooks.Queue) and to
// the event log of the HTTP API (httpapi.EventLog). Neither package imports
// store, so the rows are converted here.
type outbox struct {
	st outboxStore
	// notify wakes the worker after a redelivery; nil without one.
	notify func()
}

var (
	_ webhooks.Queue   = (*outbox)(nil)
	_ httpapi.EventLog = (*outbox)(nil)
)

func (o *outbox) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]webhooks.Delivery, error) {
	ds, err := o.st.ClaimDeliveries(ctx, now, limit, lease)
	if err != nil {
		return nil, err
	}
	out := make([]webhooks.Delivery, len(ds))
	for i, d := range ds {
		out[i] = webhooks.Delivery{ID: d.ID, Subscriber: d.Subscriber, WebhookID: d.WebhookID, Type: string(d.Type),
			Payload: d.Payload, Attempts: d.Attempts, CreatedAt: d.CreatedAt}
	}
	return out, nil
}

func (o *outbox) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	return o.st.MarkDelivered(ctx, id, at)
}

func (o *outbox) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	return o.st.MarkRetry(ctx, id, attempts, next, lastErr)
}

func (o *outbox) MarkFailed(ctx context.Context, id int64, attempts int, lastErr string) error {
	return o.st.MarkFailed(ctx, id, attempts, lastErr)
}

func (o *outbox) ListDeliveries(ctx context.Context, status string, limit int) ([]httpapi.Delivery, error) {
	ds, err := o.st.ListDeliveries(ctx, store.DeliveryStatus(status), limit)
	if err != nil {
		return nil, err
	}
	out := make([]httpapi.Delivery, len(ds))
	for i, d := range ds {
		out[i] = httpapi.Delivery{ID: d.ID, Subscriber: d.Subscriber, WebhookID: d.WebhookID, Type: string(d.Type),
			Payload: d.Payload, Status: string(d.Status), Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt,
			LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt}
	}
	return out, nil
}

func (o *outbox) Redeliver(ctx context.Context, id int64) error {
	if err := o.st.Redeliver(ctx, id); err != nil {
		return err
	}
	if o.notify != nil {
		o.notify()
	}
	return nil
}

// receipts adapts the store's hook receipts to httpapi.HookReceipts.
type receipts struct {
	st outboxStore
}

var _ httpapi.HookReceipts = receipts{}

func (r receipts) GetHookReceipt(ctx context.Context, webhookID string) (*httpapi.HookReceipt, error) {
	rc, err := r.st.GetHookReceipt(ctx, webhookID)
	if err != nil {
		return nil, err
	}
	return toHTTPReceipt(rc), nil
}

func (r receipts) InsertHookReceipt(ctx context.Context, rc httpapi.HookReceipt) (*httpapi.HookReceipt, bool, error) {
	stored, inserted, err := r.st.InsertHookReceipt(ctx, store.HookReceipt{
		WebhookID: rc.WebhookID, ArticleID: rc.ArticleID, Status: rc.Status, Response: rc.Response})
	if err != nil {
		return nil, false, err
	}
	return toHTTPReceipt(stored), inserted, nil
}

func toHTTPReceipt(rc *store.HookReceipt) *httpapi.HookReceipt {
	return &httpapi.HookReceipt{WebhookID: rc.WebhookID, ArticleID: rc.ArticleID, Status: rc.Status, Response: rc.Response}
}
