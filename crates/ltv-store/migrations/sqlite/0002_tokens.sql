-- Schema version 2 (SQLite): API tokens of the team service (`ltv-server token …`).
-- Only the SHA-256 of a token is stored (hex); the token itself is shown once.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,             -- who the token belongs to; the audit log's actor
    role        TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    hash        TEXT    NOT NULL UNIQUE,      -- SHA-256 of the token, lower-case hex
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    revoked_at  TEXT,
    revoked_by  TEXT
);
-- one active token per name; revoked ones stay for the record
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;
