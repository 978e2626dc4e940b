-- Articles with their fingerprints, the clusters (story families) they belong
-- to, and the inverted index of candidate keys.

CREATE TABLE clusters (
    id           bigserial PRIMARY KEY,
    -- The canonical (original) article. NULL only while a cluster created
    -- inside a transaction has not been given one yet.
    canonical_id bigint,
    size         integer NOT NULL DEFAULT 0 CHECK (size >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    id           bigserial PRIMARY KEY,
    source       text NOT NULL,
    -- NULL when the client sent no external id. UNIQUE treats NULLs as
    -- distinct, so such an article never conflicts with another.
    external_id  text CHECK (external_id <> ''),
    url          text NOT NULL DEFAULT '',
    title        text NOT NULL DEFAULT '',
    body         text NOT NULL,
    format       text NOT NULL,
    language     text NOT NULL DEFAULT '',
    published_at timestamptz,
    version      bigint NOT NULL DEFAULT 0,
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    -- Deferred so that one transaction can point new articles at clusters it
    -- inserts afterwards; checked at commit.
    cluster_id   bigint NOT NULL REFERENCES clusters (id) DEFERRABLE INITIALLY DEFERRED,
    -- The member this article is attached to in its cluster (0 for the
    -- canonical), with that link's relation and score.
    via          bigint NOT NULL DEFAULT 0,
    relation     text NOT NULL DEFAULT '',
    score        double precision NOT NULL DEFAULT 0,
    matched      boolean NOT NULL DEFAULT false,
    -- Fingerprint. The uint64 hashes are stored bit for bit in signed bigints.
    fp_version   integer NOT NULL,
    content_hash bigint NOT NULL,
    simhash      bigint NOT NULL,
    tokens       integer NOT NULL,
    features     bytea,
    CONSTRAINT articles_source_external_id_key UNIQUE (source, external_id)
);

CREATE INDEX articles_cluster_id_idx ON articles (cluster_id);
CREATE INDEX articles_content_hash_idx ON articles (content_hash);

-- Postings of the candidate keys. The primary key's B-tree on (key,
-- article_id) makes "the newest N articles under one key" a short backward
-- index scan. There is no foreign key to articles: a posting list is written
-- in bulk (COPY) and a per-row trigger would double its cost; the store
-- deletes postings together with their article.
CREATE TABLE article_keys (
    key        bigint NOT NULL,
    article_id bigint NOT NULL,
    PRIMARY KEY (key, article_id)
);

-- For deleting an article's postings and reading its keys.
CREATE INDEX article_keys_article_id_idx ON article_keys (article_id);
