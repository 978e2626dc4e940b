CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber      TEXT NOT NULL,
    webhook_id      TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    payload         TEXT NOT NULL CHECK (json_valid(payload)),
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
) STRICT;

CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
