-- The processes that run the queue's workers, with a heartbeat, so that the
-- jobs of a process that died are taken back within seconds rather than after
-- queue.rescue_after.

-- +goose Up
CREATE TABLE workers (
    id         TEXT    NOT NULL PRIMARY KEY,
    host       TEXT    NOT NULL,
    pid        INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    beat_at    INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE workers;
