-- Named progress markers, such as the last article id a backfill finished.

CREATE TABLE checkpoints (
    name       text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
