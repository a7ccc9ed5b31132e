-- Users, sessions and API tokens of the dashboard and JSON API, and the per-route
-- counters and last pass its overview shows. Timestamps are unix microseconds.

-- +goose Up
CREATE TABLE users (
    name          TEXT    NOT NULL PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

-- A session or token is stored as the SHA-256 of its secret, never the secret.
CREATE TABLE sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Records finished per route per hour.
CREATE TABLE route_stats (
    route     TEXT    NOT NULL,
    hour      INTEGER NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    parked    INTEGER NOT NULL,
    failed    INTEGER NOT NULL,
    PRIMARY KEY (route, hour)
) STRICT;

CREATE TABLE route_runs (
    route       TEXT    NOT NULL PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    queued      INTEGER NOT NULL,
    error       TEXT    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE route_runs;
DROP TABLE route_stats;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
