-- The newsroom desk (issue 21): the audit log, disabled users and
-- invitations, paused sources and taken-down articles. Times are Unix
-- nanoseconds, UTC.

-- audit_log holds every editorial action, written in the transaction of
-- the change it records. before and after are JSON, '' for none. request
-- is the form's one-time id, NULL for none: a second action carrying the
-- same one is refused by the unique index.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL CHECK (actor <> ''),
	action  TEXT    NOT NULL CHECK (action LIKE '%.%'),
	subject TEXT    NOT NULL DEFAULT '',
	before  TEXT    NOT NULL DEFAULT '',
	after   TEXT    NOT NULL DEFAULT '',
	request TEXT    CHECK (request <> '')
);
CREATE UNIQUE INDEX audit_log_by_request ON audit_log (request) WHERE request IS NOT NULL;
-- The log is read newest first (by the primary key), for everyone or for
-- one actor.
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);

-- A disabled user cannot sign in; their sessions are deleted.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));

-- An invitation lets the holder of its token become a user, once, before
-- expires_at. Only the SHA-256 of the token is kept; a newer invitation
-- for an email replaces the older one.
CREATE TABLE invitations (
	token_hash TEXT    PRIMARY KEY,
	email      TEXT    NOT NULL UNIQUE CHECK (email <> ''),
	role       TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
	invited_by TEXT    NOT NULL DEFAULT '',
	expires_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);

-- A paused source is not checked until an editor resumes it.
ALTER TABLE sources ADD COLUMN paused_at INTEGER;

-- takedowns are the articles an editor unpublished, or whose outlet
-- withdrew them: their row is deleted, and snapshot (JSON, see
-- store.Snapshot) holds what restoring it needs. The slug keeps answering
-- 410 Gone: no new article takes it.
CREATE TABLE takedowns (
	slug        TEXT    PRIMARY KEY,
	article_id  INTEGER NOT NULL,
	title       TEXT    NOT NULL,
	source_name TEXT    NOT NULL,
	status      TEXT    NOT NULL CHECK (status IN ('withdrawn', 'taken_down')),
	reason      TEXT    NOT NULL CHECK (reason <> ''),
	at          INTEGER NOT NULL,
	snapshot    TEXT    NOT NULL
);
CREATE INDEX takedowns_by_time ON takedowns (at DESC, slug);

-- id_floors holds, for articles, comments and comment_actions, an id new
-- rows must be above. SQLite gives a new row the largest id plus one, so
-- a taken-down article or comment that had the largest id would see its
-- id given to another, and could not come back under it.
CREATE TABLE id_floors (
	name TEXT    PRIMARY KEY,
	id   INTEGER NOT NULL
) WITHOUT ROWID;

-- The desk counts the articles stored in the last hour, and ranks the
-- stories that grew in it.
CREATE INDEX articles_by_created ON articles (created_at);
