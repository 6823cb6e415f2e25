-- +goose Up
-- Teams (队伍) and their members (名册): outreach teams, online commentators,
-- opinion monitors, information officers, volunteer teams. A team belongs to
-- one org unit; its members work in units of that unit's subtree.
--
-- Figures count at a day: a team from founded_on until dissolved_on, a member
-- from joined_on until left_on (both exclusive ends, '' while open), so that a
-- past period's figure does not change when someone leaves today.
--
-- Only what a roster needs is kept about a person: name, role, unit, position
-- and a contact phone. No ID numbers, no political or religious affiliation.
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES org_units(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('outreach','commentator','monitor','information','volunteer')),
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    founded_on   TEXT    NOT NULL,
    dissolved_on TEXT    NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
-- One name per unit: two "宣讲队" of one school would be one team typed twice.
CREATE UNIQUE INDEX teams_org_name ON teams(org_id, name);
CREATE INDEX teams_kind_org ON teams(kind, org_id);

CREATE TABLE team_members (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('leader','deputy','member','liaison')),
    title      TEXT    NOT NULL DEFAULT '',
    phone      TEXT    NOT NULL DEFAULT '',
    joined_on  TEXT    NOT NULL,
    left_on    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX team_members_team ON team_members(team_id, joined_on);
-- A person (name and unit) is in a team once at a time; after leaving, the
-- same person may join again as a new membership.
CREATE UNIQUE INDEX team_members_current ON team_members(team_id, org_id, name) WHERE left_on = '';

-- +goose Down
DROP TABLE team_members;
DROP TABLE teams;
