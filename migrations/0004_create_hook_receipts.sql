-- Inbound webhooks already answered, so that a redelivery gets the same answer.

CREATE TABLE hook_receipts (
    webhook_id text PRIMARY KEY,
    article_id bigint,
    status     integer NOT NULL,
    response   jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
