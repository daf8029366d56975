-- Comments, their moderation, the people who moderate them, and the spam
-- model that learns from their decisions. Times are Unix nanoseconds, UTC.
CREATE TABLE users (
	id              INTEGER PRIMARY KEY,
	email           TEXT    NOT NULL UNIQUE CHECK (email <> ''),
	role            TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
	password_hash   TEXT    NOT NULL CHECK (password_hash <> ''),
	failed_signins  INTEGER NOT NULL DEFAULT 0 CHECK (failed_signins >= 0),
	locked_until    INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
);

-- Only the SHA-256 of a session's token is kept.
CREATE TABLE sessions (
	token_hash TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Random secrets shared by every process on this database.
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

-- author_email, author_ip and user_agent are private: moderators see them,
-- pages, feeds and the API never do. reasons is a space-separated list.
-- An erased comment keeps its row, and its place in the thread, with every
-- personal field emptied.
CREATE TABLE comments (
	id           INTEGER PRIMARY KEY,
	article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	parent_id    INTEGER REFERENCES comments (id) ON DELETE CASCADE,
	user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
	author_name  TEXT    NOT NULL,
	author_email TEXT    NOT NULL,
	author_url   TEXT    NOT NULL DEFAULT '',
	author_ip    TEXT    NOT NULL DEFAULT '',
	user_agent   TEXT    NOT NULL DEFAULT '',
	text         TEXT    NOT NULL,
	status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
	reasons      TEXT    NOT NULL DEFAULT '',
	score        REAL    NOT NULL DEFAULT -1,
	erased       INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
	created_at   INTEGER NOT NULL,
	CHECK (erased = 1 OR (author_name <> '' AND author_email <> '' AND text <> ''))
);
CREATE INDEX comments_by_article ON comments (article_id, status, id);
CREATE INDEX comments_by_status ON comments (status, id);
CREATE INDEX comments_by_email ON comments (author_email, id);
CREATE INDEX comments_by_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

-- Every moderator decision: who, what and when.
CREATE TABLE comment_actions (
	id         INTEGER PRIMARY KEY,
	comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	action     TEXT    NOT NULL,
	at         INTEGER NOT NULL
);
CREATE INDEX comment_actions_by_comment ON comment_actions (comment_id);

-- The naive Bayes spam model: documents seen per class, and per token how
-- many documents of each class held it.
CREATE TABLE classifier_docs (
	class TEXT    PRIMARY KEY CHECK (class IN ('ham', 'spam')),
	docs  INTEGER NOT NULL CHECK (docs >= 0)
);
CREATE TABLE classifier_tokens (
	token TEXT    PRIMARY KEY,
	ham   INTEGER NOT NULL DEFAULT 0 CHECK (ham >= 0),
	spam  INTEGER NOT NULL DEFAULT 0 CHECK (spam >= 0)
) WITHOUT ROWID;
