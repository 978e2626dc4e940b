-- Outbound webhook deliveries: one row per event and subscriber, written in
-- the same transaction as the cluster change it reports.

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    subscriber      text NOT NULL,
    -- Sent as the webhook-id header; receivers deduplicate on it.
    webhook_id      text NOT NULL UNIQUE,
    type            text NOT NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    -- For a pending row, when it is due; a claim moves it forward by the
    -- lease, so the claim of a worker that crashed expires by itself.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);

CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
