-- What each process saw of each connection's remote calls, a row per minute, so
-- that the dashboard's health comes from live calls in every process (workers
-- on one PostgreSQL included), not only from a periodic test.

-- +goose Up
CREATE TABLE call_health (
    connection  text        NOT NULL,
    minute      timestamptz NOT NULL,
    process     text        NOT NULL,
    ok          bigint      NOT NULL,
    failed      bigint      NOT NULL,
    last_at     timestamptz NOT NULL,
    last_ok     bigint      NOT NULL,
    last_error  text        NOT NULL,
    PRIMARY KEY (connection, minute, process)
);
CREATE INDEX call_health_minute ON call_health (minute);
-- The job page lists its own log lines.
CREATE INDEX log_lines_job ON log_lines (job_id, id);

-- +goose Down
DROP TABLE call_health;
