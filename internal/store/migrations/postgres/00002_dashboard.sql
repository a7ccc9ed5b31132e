-- Users, sessions and API tokens of the dashboard and JSON API, and the per-route
-- counters and last pass its overview shows. Timestamps are timestamptz.

-- +goose Up
CREATE TABLE users (
    name          text    NOT NULL PRIMARY KEY,
    password_hash text    NOT NULL,
    role          text    NOT NULL,
    created_at    timestamptz NOT NULL
);

-- A session or token is stored as the SHA-256 of its secret, never the secret.
CREATE TABLE sessions (
    id         text    NOT NULL PRIMARY KEY,
    user_name  text    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       text    NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         text    NOT NULL PRIMARY KEY,
    user_name  text    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label      text    NOT NULL,
    created_at timestamptz NOT NULL
);

-- Records finished per route per hour.
CREATE TABLE route_stats (
    route     text    NOT NULL,
    hour      timestamptz NOT NULL,
    created   bigint NOT NULL,
    updated   bigint NOT NULL,
    unchanged bigint NOT NULL,
    parked    bigint NOT NULL,
    failed    bigint NOT NULL,
    PRIMARY KEY (route, hour)
);

CREATE TABLE route_runs (
    route       text    NOT NULL PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    queued      bigint NOT NULL,
    error       text    NOT NULL
);

-- +goose Down
DROP TABLE route_runs;
DROP TABLE route_stats;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
