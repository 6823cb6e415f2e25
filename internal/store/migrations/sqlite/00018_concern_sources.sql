-- +goose Up
-- Public-concern monitoring (舆情监测, issue 14): sources, items, stories, rules.
-- No author column anywhere, by design (PIPL; see the README): zeren follows
-- topics and the responses to them, never the people who post.
--
-- A source belongs to its owner unit (org_id). kind rss is polled
-- (conditional GET with etag/last_modified); push, file and manual sources
-- receive items. After K consecutive failures a feed is paused and shown,
-- not retried forever; a manager resumes it.
CREATE TABLE concern_sources (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES org_units(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('rss','push','file','manual')),
    name             TEXT    NOT NULL,
    url              TEXT    NOT NULL DEFAULT '',
    etag             TEXT    NOT NULL DEFAULT '',
    last_modified    TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active','paused')),
    failures         INTEGER NOT NULL DEFAULT 0,
    last_success_at  TEXT    NOT NULL DEFAULT '',
    last_error       TEXT    NOT NULL DEFAULT '',
    last_error_at    TEXT    NOT NULL DEFAULT '',
    items_total      INTEGER NOT NULL DEFAULT 0,
    next_poll_at     TEXT    NOT NULL DEFAULT '',
    interval_seconds INTEGER NOT NULL DEFAULT 900,
    created_by       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, name)
);
CREATE INDEX concern_sources_due ON concern_sources (kind, state, next_poll_at);

-- A story is near-duplicate items merged into one (同题报道). url_norm,
-- title_hash and simhash (64 bits stored as a signed integer) are what the
-- de-duplicator needs to recognise the story again after a restart.
-- severity is the highest severity of the rules its items matched: 0 means
-- no rule matched, 1 一般 (general), 2 较大 (significant), 3 重大 (major).
-- topic is the topic of that rule.
CREATE TABLE concern_stories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    item_count  INTEGER NOT NULL DEFAULT 0,
    title       TEXT    NOT NULL DEFAULT '',
    url         TEXT    NOT NULL DEFAULT '',
    url_norm    TEXT    NOT NULL DEFAULT '',
    title_hash  INTEGER NOT NULL DEFAULT 0,
    simhash     INTEGER NOT NULL DEFAULT 0,
    topic       TEXT    NOT NULL DEFAULT '',
    severity    INTEGER NOT NULL DEFAULT 0 CHECK (severity BETWEEN 0 AND 3),
    rule_ids    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX concern_stories_last ON concern_stories (last_seen);
CREATE INDEX concern_stories_first ON concern_stories (first_seen);

-- The units a story is routed to (属地): the lowest units its items name
-- (their ancestors see them through org_closure), or the source's owner unit
-- when no unit is named.
CREATE TABLE concern_story_units (
    story_id INTEGER NOT NULL REFERENCES concern_stories(id),
    org_id   INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (story_id, org_id)
);
CREATE INDEX concern_story_units_org ON concern_story_units (org_id, story_id);

-- One public post or article as received. external_id is the source's own id
-- (a feed's guid, a vendor's item id): pushing the same one twice is a no-op.
-- body is bounded by the ingest code. rule_ids lists the matched rules.
CREATE TABLE concern_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id    INTEGER NOT NULL REFERENCES concern_sources(id),
    story_id     INTEGER NOT NULL REFERENCES concern_stories(id),
    external_id  TEXT    NOT NULL,
    url          TEXT    NOT NULL DEFAULT '',
    url_norm     TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',
    published_at TEXT    NOT NULL DEFAULT '',
    fetched_at   TEXT    NOT NULL,
    rule_ids     TEXT    NOT NULL DEFAULT '',
    entered_by   TEXT    NOT NULL DEFAULT '',
    UNIQUE (source_id, external_id)
);
CREATE INDEX concern_items_story ON concern_items (story_id, id);
CREATE INDEX concern_items_fetched ON concern_items (fetched_at);
CREATE INDEX concern_items_url ON concern_items (url_norm);

-- A screenshot a monitor attached to a manual entry: the ledger's
-- content-addressed blobs, linked here.
CREATE TABLE concern_item_evidence (
    item_id     INTEGER NOT NULL REFERENCES concern_items(id),
    sha256      TEXT    NOT NULL REFERENCES evidence_blobs(sha256),
    filename    TEXT    NOT NULL,
    attached_at TEXT    NOT NULL,
    PRIMARY KEY (item_id, sha256)
);

-- Watch rules (监测规则) of a unit: a keyword expression (internal/monitor),
-- the topic and severity (1 一般, 2 较大, 3 重大) of what it flags.
CREATE TABLE concern_rules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    name       TEXT    NOT NULL,
    expr       TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    severity   INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 3),
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, name)
);

-- One counter bumped by every rule change (and org tree change seen by the
-- ingest): a node's compiled pipeline is stale when the counter moved.
CREATE TABLE concern_epoch (
    name  TEXT    NOT NULL PRIMARY KEY,
    value BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO concern_epoch (name, value) VALUES ('rules', 0);

-- +goose Down
DROP TABLE concern_epoch;
DROP TABLE concern_rules;
DROP TABLE concern_item_evidence;
DROP TABLE concern_items;
DROP TABLE concern_story_units;
DROP TABLE concern_stories;
DROP TABLE concern_sources;
