package store

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

func insertEvents(tb testing.TB, st dedup.Store, events ...dedup.Event) {
	tb.Helper()
	inLock(tb, st, nil, func(ctx context.Context, tx dedup.ClusterTx, _ map[int64]int64) error {
		return tx.InsertEvents(ctx, events)
	})
}

func testEvents(t *testing.T, newStore newStoreFunc) {
	t.Run("no subscribers", func(t *testing.T) {
		st := newStore(t)
		insertEvents(t, st, dedup.Event{Type: dedup.EventArticleRemoved, ArticleID: 1, ClusterID: 2})
		ds, err := st.ListDeliveries(t.Context(), "", 0)
		mustNil(t, err)
		if len(ds) != 0 {
			t.Errorf("outbox rows without subscribers: %+v", ds)
		}
	})

	st := newStore(t, WithSubscribers([]string{"search", "alerts"}))
	e1 := dedup.Event{Type: dedup.EventArticleClustered, ArticleID: 7, ClusterID: 3, CanonicalID: 5,
		Members: []int64{5, 7}, OccurredAt: published}
	e2 := dedup.Event{Type: dedup.EventClusterChanged, ClusterID: 3, CanonicalID: 5, Members: []int64{5}, OccurredAt: published}
	insertEvents(t, st, e1, e2)
	ds, err := st.ListDeliveries(t.Context(), "", 0)
	mustNil(t, err)
	type row struct {
		Subscriber string
		Event      dedup.Event
	}
	var got []row
	ids := make(map[string]bool)
	for _, d := range ds {
		var e dedup.Event
		mustNil(t, json.Unmarshal(d.Payload, &e))
		got = append(got, row{d.Subscriber, e})
		if d.Type != e.Type || d.Status != DeliveryPending || d.Attempts != 0 || !strings.HasPrefix(d.WebhookID, "msg_") || ids[d.WebhookID] {
			t.Errorf("delivery %+v", d)
		}
		ids[d.WebhookID] = true
	}
	want := []row{{"search", e1}, {"alerts", e1}, {"search", e2}, {"alerts", e2}}
	if d := diff(want, got); d != "" {
		t.Errorf("outbox (-want +got):\n%s", d)
	}
}

func testOutbox(t *testing.T, newStore newStoreFunc) {
	st := newStore(t, WithSubscribers([]string{"hooks"}))
	for i := range 4 {
		insertEvents(t, st, dedup.Event{Type: dedup.EventArticleClustered, ArticleID: int64(i + 1), ClusterID: 1})
	}
	now := time.Now().Add(time.Second) // after every row's creation
	claimed := checkClaims(t, st, now)
	checkMarks(t, st, claimed[0].ID, claimed[1].ID, claimed[2].ID, now.Add(outboxLease+time.Second))
}

const outboxLease = time.Minute

// checkClaims claims the four pending rows in two goes, checks that claims
// hold for the lease and then come back, and returns the first three.
func checkClaims(t *testing.T, st storeUnderTest, now time.Time) []Delivery {
	claimed := claim(t, st, now, 3, outboxLease)
	if len(claimed) != 3 {
		t.Fatalf("claimed %d, want 3", len(claimed))
	}
	for _, d := range claimed {
		if !d.NextAttemptAt.Equal(normTime(now.Add(outboxLease))) {
			t.Errorf("claimed NextAttemptAt = %v, want now+lease %v", d.NextAttemptAt, now.Add(outboxLease))
		}
	}
	if rest := claim(t, st, now, 10, outboxLease); len(rest) != 1 || rest[0].ID <= claimed[2].ID {
		t.Fatalf("second claim = %+v, want the one unclaimed row", rest)
	}
	if again := claim(t, st, now.Add(outboxLease/2), 10, outboxLease); len(again) != 0 {
		t.Fatalf("claims taken again before the lease ran out: %+v", again)
	}
	// The lease ran out: a crashed worker's claims come back.
	if again := claim(t, st, now.Add(outboxLease+time.Second), 10, outboxLease); len(again) != 4 {
		t.Fatalf("after the lease: claimed %d, want 4", len(again))
	}
	return claimed
}

// checkMarks marks d1 delivered, d2 for retry and d3 failed, then
// redelivers d3.
func checkMarks(t *testing.T, st storeUnderTest, d1, d2, d3 int64, at time.Time) {
	ctx := t.Context()
	mustNil(t, st.MarkDelivered(ctx, d1, at))
	mustNil(t, st.MarkRetry(ctx, d2, 1, at.Add(time.Hour), "503 from receiver"))
	mustNil(t, st.MarkFailed(ctx, d3, 8, "410 gone"))

	got := deliveryByID(t, st, "")
	checkDelivery(t, got[d1], DeliveryDelivered, 0, "", at)
	checkDelivery(t, got[d2], DeliveryPending, 1, "503 from receiver", time.Time{})
	checkDelivery(t, got[d3], DeliveryFailed, 8, "410 gone", time.Time{})
	if !got[d2].NextAttemptAt.Equal(normTime(at.Add(time.Hour))) {
		t.Errorf("retry NextAttemptAt = %v", got[d2].NextAttemptAt)
	}
	if failed := deliveryByID(t, st, DeliveryFailed); len(failed) != 1 {
		t.Errorf("ListDeliveries(failed) = %v, want only %d", failed, d3)
	}
	if ds, err := st.ListDeliveries(ctx, "", 2); err != nil || len(ds) != 2 || ds[0].ID != d1 {
		t.Errorf("ListDeliveries limit 2 = %+v, %v", ds, err)
	}
	_, err := st.ListDeliveries(ctx, "parked", 0)
	wantErr(t, err, dedup.ErrInvalid)

	mustNil(t, st.Redeliver(ctx, d3))
	checkDelivery(t, deliveryByID(t, st, "")[d3], DeliveryPending, 0, "410 gone", time.Time{})
	if again := claim(t, st, time.Now().Add(time.Second), 10, outboxLease); len(again) != 1 || again[0].ID != d3 {
		t.Errorf("claim after Redeliver = %+v, want %d", again, d3)
	}
}

func claim(tb testing.TB, st storeUnderTest, now time.Time, limit int, lease time.Duration) []Delivery {
	tb.Helper()
	ds, err := st.ClaimDeliveries(tb.Context(), now, limit, lease)
	mustNil(tb, err)
	return ds
}

func deliveryByID(tb testing.TB, st storeUnderTest, status DeliveryStatus) map[int64]Delivery {
	tb.Helper()
	ds, err := st.ListDeliveries(tb.Context(), status, 0)
	mustNil(tb, err)
	m := make(map[int64]Delivery)
	for _, d := range ds {
		m[d.ID] = d
	}
	return m
}

func checkDelivery(tb testing.TB, d Delivery, status DeliveryStatus, attempts int, lastErr string, deliveredAt time.Time) {
	tb.Helper()
	if d.Status != status || d.Attempts != attempts || d.LastError != lastErr || !d.DeliveredAt.Equal(normTime(deliveredAt)) {
		tb.Errorf("delivery %d = %s, %d attempts, error %q, delivered %v; want %s, %d, %q, %v",
			d.ID, d.Status, d.Attempts, d.LastError, d.DeliveredAt, status, attempts, lastErr, deliveredAt)
	}
}

// equateJSON compares byte slices as JSON documents: Postgres jsonb keeps a
// document's meaning but not its bytes.
var equateJSON = cmp.FilterValues(func(x, y []byte) bool {
	return json.Valid(x) && json.Valid(y)
}, cmp.Transformer("json", func(b []byte) any {
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}))

func testHookReceipts(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	before := time.Now().Add(-time.Minute)
	r := HookReceipt{WebhookID: "msg_1", ArticleID: 42, Status: 201, Response: []byte(`{"id":42, "created":true}`)}
	stored, inserted, err := st.InsertHookReceipt(ctx, r)
	mustNil(t, err)
	if !inserted || stored.CreatedAt.Before(before) {
		t.Errorf("first insert: inserted %v, CreatedAt %v", inserted, stored.CreatedAt)
	}
	r.CreatedAt = stored.CreatedAt
	if d := diff(&r, stored, equateJSON); d != "" {
		t.Errorf("stored receipt (-want +got):\n%s", d)
	}

	again, inserted, err := st.InsertHookReceipt(ctx, HookReceipt{WebhookID: "msg_1", Status: 500})
	mustNil(t, err)
	if inserted || diff(stored, again, equateJSON) != "" {
		t.Errorf("second insert = %+v, inserted %v; want the first receipt", again, inserted)
	}
	got, err := st.GetHookReceipt(ctx, "msg_1")
	mustNil(t, err)
	if d := diff(stored, got, equateJSON); d != "" {
		t.Errorf("GetHookReceipt (-want +got):\n%s", d)
	}

	noBody := HookReceipt{WebhookID: "msg_2", Status: 400}
	stored, _, err = st.InsertHookReceipt(ctx, noBody)
	mustNil(t, err)
	if stored.Response != nil || stored.ArticleID != 0 {
		t.Errorf("receipt without body or article = %+v", stored)
	}
	_, _, err = st.InsertHookReceipt(ctx, HookReceipt{Status: 200})
	wantErr(t, err, dedup.ErrInvalid)
	_, _, err = st.InsertHookReceipt(ctx, HookReceipt{WebhookID: "msg_3", Response: []byte("not json")})
	wantErr(t, err, dedup.ErrInvalid)

}

// testHookReceiptsConcurrent has several deliveries of one webhook race to
// record their answer: exactly one must win.
func testHookReceiptsConcurrent(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := range 8 {
		wg.Go(func() {
			_, inserted, err := st.InsertHookReceipt(t.Context(), HookReceipt{WebhookID: "msg_race", Status: 200 + i})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if inserted {
				winners++
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Errorf("%d concurrent inserts of one webhook id won, want 1", winners)
	}
}

func testCheckpoints(t *testing.T, newStore newStoreFunc) {
	st := newStore(t)
	ctx := t.Context()
	_, err := st.GetCheckpoint(ctx, "backfill")
	wantErr(t, err, dedup.ErrNotFound)
	for _, v := range []string{"1000", "2000"} {
		mustNil(t, st.UpsertCheckpoint(ctx, "backfill", v))
		got, err := st.GetCheckpoint(ctx, "backfill")
		if err != nil || got != v {
			t.Errorf("GetCheckpoint = %q, %v; want %q", got, err, v)
		}
	}
}
