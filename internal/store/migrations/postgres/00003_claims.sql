-- Which job owns each record of a route (so a record belongs to one job at a
-- time), leases that serialize work on a natural key across processes, and the
-- records a pass did not take, with the reason. Timestamps are timestamptz.

-- +goose Up
CREATE TABLE claims (
    route      text    NOT NULL,
    entity     text    NOT NULL,
    job_id     bigint NOT NULL,
    version    text    NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (route, entity)
);
CREATE INDEX claims_job ON claims (job_id);

CREATE TABLE key_leases (
    key        text    NOT NULL PRIMARY KEY,
    owner      text    NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE skips (
    route   text    NOT NULL,
    entity  text    NOT NULL,
    label   text    NOT NULL,
    version text    NOT NULL,
    reason  text    NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (route, entity)
);
CREATE INDEX skips_at ON skips (route, at);

ALTER TABLE route_stats ADD COLUMN skipped bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE route_stats DROP COLUMN skipped;
DROP TABLE skips;
DROP TABLE key_leases;
DROP TABLE claims;
