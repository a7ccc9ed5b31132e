-- What each process saw of each connection's remote calls, a row per minute, so
-- that the dashboard's health comes from live calls in every process (workers
-- on one PostgreSQL included), not only from a periodic test.

-- +goose Up
CREATE TABLE call_health (
    connection  TEXT    NOT NULL,
    minute      INTEGER NOT NULL,
    process     TEXT    NOT NULL,
    ok          INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    last_ok     INTEGER NOT NULL,
    last_error  TEXT    NOT NULL,
    PRIMARY KEY (connection, minute, process)
) STRICT;
CREATE INDEX call_health_minute ON call_health (minute);
-- The job page lists its own log lines.
CREATE INDEX log_lines_job ON log_lines (job_id, id);

-- +goose Down
DROP TABLE call_health;
