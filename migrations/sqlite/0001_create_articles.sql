-- The embedded store's version of ../0001_create_articles.sql. Times are
-- INTEGER microseconds since the Unix epoch (UTC), matching timestamptz
-- precision. AUTOINCREMENT keeps ids from being reused after a delete, as
-- Postgres sequences do.

CREATE TABLE clusters (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    canonical_id INTEGER,
    size         INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    external_id  TEXT CHECK (external_id <> ''),
    url          TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    format       TEXT NOT NULL,
    language     TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    version      INTEGER NOT NULL DEFAULT 0,
    ingested_at  INTEGER NOT NULL,
    cluster_id   INTEGER NOT NULL REFERENCES clusters (id) DEFERRABLE INITIALLY DEFERRED,
    via          INTEGER NOT NULL DEFAULT 0,
    relation     TEXT NOT NULL DEFAULT '',
    score        REAL NOT NULL DEFAULT 0,
    matched      INTEGER NOT NULL DEFAULT 0,
    fp_version   INTEGER NOT NULL,
    content_hash INTEGER NOT NULL,
    simhash      INTEGER NOT NULL,
    tokens       INTEGER NOT NULL,
    features     BLOB,
    UNIQUE (source, external_id)
) STRICT;

CREATE INDEX articles_cluster_id_idx ON articles (cluster_id);
CREATE INDEX articles_content_hash_idx ON articles (content_hash);

CREATE TABLE article_keys (
    key        INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (key, article_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_keys_article_id_idx ON article_keys (article_id);
