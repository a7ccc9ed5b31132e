-- The processes that run the queue's workers, with a heartbeat, so that the
-- jobs of a process that died are taken back within seconds rather than after
-- queue.rescue_after.

-- +goose Up
CREATE TABLE workers (
    id         text    NOT NULL PRIMARY KEY,
    host       text    NOT NULL,
    pid        integer NOT NULL,
    started_at timestamptz NOT NULL,
    beat_at    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE workers;
