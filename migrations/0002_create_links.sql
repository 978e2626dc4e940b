-- Verified relations between two articles. A is the article that was being
-- matched, B the stored one it matched.

CREATE TABLE links (
    a          bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    b          bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    relation   text NOT NULL,
    score      double precision NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a, b)
);

-- The primary key serves lookups by a; this one serves lookups by b.
CREATE INDEX links_b_idx ON links (b);
