-- Comments, their moderation, the people who moderate them, and the spam
-- model that learns from their decisions.
CREATE TABLE users (
	id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email          text        NOT NULL UNIQUE CHECK (email <> ''),
	role           text        NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
	password_hash  text        NOT NULL CHECK (password_hash <> ''),
	failed_signins integer     NOT NULL DEFAULT 0 CHECK (failed_signins >= 0),
	locked_until   timestamptz,
	created_at     timestamptz NOT NULL
);

-- Only the SHA-256 of a session's token is kept.
CREATE TABLE sessions (
	token_hash text        PRIMARY KEY,
	user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Random secrets shared by every process on this database.
CREATE TABLE secrets (
	name  text  PRIMARY KEY,
	value bytea NOT NULL
);

-- author_email, author_ip and user_agent are private: moderators see them,
-- pages, feeds and the API never do. An erased comment keeps its row, and
-- its place in the thread, with every personal field emptied.
CREATE TABLE comments (
	id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id   bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	parent_id    bigint      REFERENCES comments (id) ON DELETE CASCADE,
	user_id      bigint      REFERENCES users (id) ON DELETE SET NULL,
	author_name  text        NOT NULL,
	author_email text        NOT NULL,
	author_url   text        NOT NULL DEFAULT '',
	author_ip    text        NOT NULL DEFAULT '',
	user_agent   text        NOT NULL DEFAULT '',
	text         text        NOT NULL,
	status       text        NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
	reasons      text[]      NOT NULL DEFAULT '{}',
	score        double precision NOT NULL DEFAULT -1,
	erased       boolean     NOT NULL DEFAULT false,
	created_at   timestamptz NOT NULL,
	CHECK (erased OR (author_name <> '' AND author_email <> '' AND text <> ''))
);
CREATE INDEX comments_by_article ON comments (article_id, status, id);
CREATE INDEX comments_by_status ON comments (status, id);
CREATE INDEX comments_by_email ON comments (author_email, id);
CREATE INDEX comments_by_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

-- Every moderator decision: who, what and when.
CREATE TABLE comment_actions (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	comment_id bigint      NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	user_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
	action     text        NOT NULL,
	at         timestamptz NOT NULL
);
CREATE INDEX comment_actions_by_comment ON comment_actions (comment_id);

-- The naive Bayes spam model: documents seen per class, and per token how
-- many documents of each class held it.
CREATE TABLE classifier_docs (
	class text    PRIMARY KEY CHECK (class IN ('ham', 'spam')),
	docs  integer NOT NULL CHECK (docs >= 0)
);
CREATE TABLE classifier_tokens (
	token text    PRIMARY KEY,
	ham   integer NOT NULL DEFAULT 0 CHECK (ham >= 0),
	spam  integer NOT NULL DEFAULT 0 CHECK (spam >= 0)
);
