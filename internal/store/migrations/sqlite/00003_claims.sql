-- Which job owns each record of a route (so a record belongs to one job at a
-- time), leases that serialize work on a natural key across processes, and the
-- records a pass did not take, with the reason. Timestamps are unix microseconds.

-- +goose Up
CREATE TABLE claims (
    route      TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    job_id     INTEGER NOT NULL,
    version    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (route, entity)
) STRICT;
CREATE INDEX claims_job ON claims (job_id);

CREATE TABLE key_leases (
    key        TEXT    NOT NULL PRIMARY KEY,
    owner      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE skips (
    route   TEXT    NOT NULL,
    entity  TEXT    NOT NULL,
    label   TEXT    NOT NULL,
    version TEXT    NOT NULL,
    reason  TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (route, entity)
) STRICT;
CREATE INDEX skips_at ON skips (route, at);

ALTER TABLE route_stats ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE route_stats DROP COLUMN skipped;
DROP TABLE skips;
DROP TABLE key_leases;
DROP TABLE claims;
