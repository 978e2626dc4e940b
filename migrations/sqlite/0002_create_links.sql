CREATE TABLE links (
    a          INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    b          INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    relation   TEXT NOT NULL,
    score      REAL NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) STRICT, WITHOUT ROWID;

CREATE INDEX links_b_idx ON links (b);
