-- Timestamps are integer microseconds since the Unix epoch, UTC; NULL means unset.

-- +goose Up
CREATE TABLE connections (
    name        TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    settings    BLOB,
    credentials BLOB,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE routes (
    name       TEXT    NOT NULL PRIMARY KEY,
    flow       TEXT    NOT NULL,
    from_conn  TEXT    NOT NULL,
    to_conn    TEXT    NOT NULL,
    schedule   TEXT    NOT NULL,
    options    BLOB,
    enabled    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE links (
    connection     TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    local_id       TEXT    NOT NULL,
    remote_id      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    source_version TEXT    NOT NULL,
    data           BLOB,
    synced_at      INTEGER NOT NULL,
    PRIMARY KEY (connection, kind, local_id),
    UNIQUE (connection, kind, remote_id)
) STRICT;

CREATE TABLE cursors (
    route      TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (route, name)
) STRICT;

CREATE TABLE log_lines (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    time    INTEGER NOT NULL,
    level   TEXT    NOT NULL,
    route   TEXT    NOT NULL,
    job_id  INTEGER NOT NULL,
    entity  TEXT    NOT NULL,
    message TEXT    NOT NULL,
    remote  TEXT    NOT NULL
) STRICT;
CREATE INDEX log_lines_time ON log_lines (time);
CREATE INDEX log_lines_route ON log_lines (route, id);
CREATE INDEX log_lines_level ON log_lines (level, id);
CREATE INDEX log_lines_entity ON log_lines (entity, id);

CREATE TABLE inbox (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    connection   TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    dedup_key    TEXT    NOT NULL,
    payload      BLOB,
    received_at  INTEGER NOT NULL,
    processed_at INTEGER,
    error        TEXT    NOT NULL,
    UNIQUE (connection, dedup_key)
) STRICT;
CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;

CREATE TABLE job_issues (
    job_id      INTEGER NOT NULL PRIMARY KEY,
    route       TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    class       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    depends_on  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER
) STRICT;
CREATE INDEX job_issues_route ON job_issues (route);
CREATE INDEX job_issues_class ON job_issues (class);
CREATE INDEX job_issues_depends_on ON job_issues (depends_on);
CREATE INDEX job_issues_open ON job_issues (created_at) WHERE resolved_at IS NULL;

CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE settings;
DROP TABLE job_issues;
DROP TABLE inbox;
DROP TABLE log_lines;
DROP TABLE cursors;
DROP TABLE links;
DROP TABLE routes;
DROP TABLE connections;
