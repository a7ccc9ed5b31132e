-- Timestamps are timestamptz (microsecond precision); NULL means unset.
-- JSON columns are bytea so that the bytes ferry wrote come back unchanged.
-- Ordered text columns use the "C" collation (byte order), the same order as
-- SQLite's BINARY and Go's string comparison, so paging works alike everywhere.

-- +goose Up
CREATE TABLE connections (
    name        text        COLLATE "C" NOT NULL PRIMARY KEY,
    kind        text        NOT NULL,
    settings    bytea,
    credentials bytea,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE routes (
    name       text        COLLATE "C" NOT NULL PRIMARY KEY,
    flow       text        NOT NULL,
    from_conn  text        NOT NULL,
    to_conn    text        NOT NULL,
    schedule   text        NOT NULL,
    options    bytea,
    enabled    boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE links (
    connection     text        COLLATE "C" NOT NULL,
    kind           text        COLLATE "C" NOT NULL,
    local_id       text        COLLATE "C" NOT NULL,
    remote_id      text        COLLATE "C" NOT NULL,
    hash           text        NOT NULL,
    source_version text        NOT NULL,
    data           bytea,
    synced_at      timestamptz NOT NULL,
    PRIMARY KEY (connection, kind, local_id),
    UNIQUE (connection, kind, remote_id)
);

CREATE TABLE cursors (
    route      text        NOT NULL,
    name       text        NOT NULL,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (route, name)
);

CREATE TABLE log_lines (
    id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time    timestamptz NOT NULL,
    level   text        NOT NULL,
    route   text        NOT NULL,
    job_id  bigint      NOT NULL,
    entity  text        NOT NULL,
    message text        NOT NULL,
    remote  text        NOT NULL
);
CREATE INDEX log_lines_time ON log_lines (time);
CREATE INDEX log_lines_route ON log_lines (route, id);
CREATE INDEX log_lines_level ON log_lines (level, id);
CREATE INDEX log_lines_entity ON log_lines (entity, id);

CREATE TABLE inbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection   text        NOT NULL,
    topic        text        NOT NULL,
    dedup_key    text        NOT NULL,
    payload      bytea,
    received_at  timestamptz NOT NULL,
    processed_at timestamptz,
    error        text        NOT NULL,
    UNIQUE (connection, dedup_key)
);
CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;

CREATE TABLE job_issues (
    job_id      bigint      NOT NULL PRIMARY KEY,
    route       text        NOT NULL,
    entity      text        NOT NULL,
    class       text        NOT NULL,
    reason      text        NOT NULL,
    depends_on  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX job_issues_route ON job_issues (route);
CREATE INDEX job_issues_class ON job_issues (class);
CREATE INDEX job_issues_depends_on ON job_issues (depends_on);
CREATE INDEX job_issues_open ON job_issues (created_at) WHERE resolved_at IS NULL;

CREATE TABLE settings (
    key   text NOT NULL PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE job_issues;
DROP TABLE inbox;
DROP TABLE log_lines;
DROP TABLE cursors;
DROP TABLE links;
DROP TABLE routes;
DROP TABLE connections;
