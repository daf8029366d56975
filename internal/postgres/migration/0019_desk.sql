-- The newsroom desk (issue 21): the audit log, disabled users and
-- invitations, paused sources and taken-down articles.

-- audit_log holds every editorial action, written in the transaction of
-- the change it records. before and after are JSON, '' for none. request
-- is the form's one-time id, NULL for none: a second action carrying the
-- same one is refused by the unique index.
CREATE TABLE audit_log (
	id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL,
	actor   text        NOT NULL CHECK (actor <> ''),
	action  text        NOT NULL CHECK (action LIKE '%.%'),
	subject text        NOT NULL DEFAULT '',
	before  text        NOT NULL DEFAULT '',
	after   text        NOT NULL DEFAULT '',
	request text        CHECK (request <> '')
);
CREATE UNIQUE INDEX audit_log_by_request ON audit_log (request) WHERE request IS NOT NULL;
-- The log is read newest first (by the primary key), for everyone or for
-- one actor.
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);

-- A disabled user cannot sign in; their sessions are deleted.
ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false;

-- An invitation lets the holder of its token become a user, once, before
-- expires_at. Only the SHA-256 of the token is kept; a newer invitation
-- for an email replaces the older one.
CREATE TABLE invitations (
	token_hash text        PRIMARY KEY,
	email      text        NOT NULL UNIQUE CHECK (email <> ''),
	role       text        NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
	invited_by text        NOT NULL DEFAULT '',
	expires_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL
);

-- A paused source is not checked until an editor resumes it.
ALTER TABLE sources ADD COLUMN paused_at timestamptz;

-- takedowns are the articles an editor unpublished, or whose outlet
-- withdrew them: their row is deleted, and snapshot (see store.Snapshot)
-- holds what restoring it needs. The slug keeps answering 410 Gone: no
-- new article takes it. Identity ids are never handed out twice, so the
-- article and its comments get theirs back.
CREATE TABLE takedowns (
	slug        text        PRIMARY KEY,
	article_id  bigint      NOT NULL,
	title       text        NOT NULL,
	source_name text        NOT NULL,
	status      text        NOT NULL CHECK (status IN ('withdrawn', 'taken_down')),
	reason      text        NOT NULL CHECK (reason <> ''),
	at          timestamptz NOT NULL,
	snapshot    jsonb       NOT NULL
);
CREATE INDEX takedowns_by_time ON takedowns (at DESC, slug);

-- The desk counts the articles stored in the last hour, and ranks the
-- stories that grew in it.
CREATE INDEX articles_by_created ON articles (created_at);
