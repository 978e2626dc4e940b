CREATE TABLE hook_receipts (
    webhook_id TEXT PRIMARY KEY,
    article_id INTEGER,
    status     INTEGER NOT NULL,
    response   TEXT CHECK (response IS NULL OR json_valid(response)),
    created_at INTEGER NOT NULL
) STRICT;
