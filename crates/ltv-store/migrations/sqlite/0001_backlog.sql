-- Schema version 1 (SQLite): initiatives, ratings, snapshots, baselines, audit log.
-- Money and rates are exact decimal text; dates are YYYY-MM-DD; times are RFC 3339 UTC.
CREATE TABLE initiatives (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    team          TEXT    NOT NULL,
    hypothesis    TEXT    NOT NULL DEFAULT '',
    driver        TEXT    NOT NULL,
    change        TEXT    NOT NULL,             -- JSON: "-1pt" or {"low":…,"likely":…,"high":…}
    target_kind   TEXT    CHECK (target_kind IN ('channel', 'segment')),
    target_name   TEXT,
    one_off_cost  TEXT    NOT NULL,
    yearly_cost   TEXT    NOT NULL,
    ramp_months   INTEGER NOT NULL CHECK (ramp_months >= 0),
    baseline      TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('idea', 'approved', 'running', 'done', 'dropped')),
    start_date    TEXT,
    end_date      TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL
);

CREATE TABLE ratings (
    id            INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    rater         TEXT    NOT NULL,
    method        TEXT    NOT NULL CHECK (method IN ('ice', 'rice')),
    scores        TEXT    NOT NULL,             -- JSON of the scores
    rated_at      TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL
);
CREATE INDEX ratings_by_rater ON ratings (initiative_id, rater, id);

CREATE TABLE snapshots (
    id              INTEGER PRIMARY KEY,
    as_of           TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    taken_at        TEXT    NOT NULL,
    taken_by        TEXT    NOT NULL,
    customers       INTEGER NOT NULL,
    ltv             TEXT    NOT NULL,
    ltv_cac_ratio   TEXT,
    monthly_churn   TEXT    NOT NULL,
    aov             TEXT    NOT NULL,
    orders_per_year TEXT    NOT NULL,
    margin          TEXT    NOT NULL,
    cac             TEXT,
    nrr             TEXT,
    document        TEXT    NOT NULL,           -- JSON of the whole measured baseline
    UNIQUE (as_of, source)
);

CREATE TABLE baselines (
    name        TEXT PRIMARY KEY,               -- "baseline" or a [baselines.NAME]
    document    TEXT NOT NULL,                  -- JSON of the planner's baseline
    updated_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    changed_at    TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    entity        TEXT    NOT NULL,             -- initiative, rating, snapshot, baseline, schema
    entity_id     INTEGER,
    initiative_id INTEGER,                      -- no foreign key: history outlives a deletion
    subject       TEXT    NOT NULL,             -- the initiative's name, the snapshot's date, ...
    operation     TEXT    NOT NULL,             -- create, update, move, rate, delete, snapshot, migrate
    before_json   TEXT,
    after_json    TEXT
);
CREATE INDEX audit_by_initiative ON audit_log (initiative_id, id);
