-- The Postgres migration of this number tunes autovacuum for article_keys.
-- SQLite has no visibility map and no autovacuum of that kind: nothing to do.
SELECT 1;
