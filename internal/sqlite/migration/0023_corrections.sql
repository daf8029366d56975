-- The corrections, clarifications and editor's notes found in articles
-- (issue 22), for the top of each article's page and for /corrections.
-- A note found again keeps the time it was first found. Times are Unix
-- nanoseconds, UTC.
CREATE TABLE corrections (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	text       TEXT    NOT NULL CHECK (text <> ''),
	found_at   INTEGER NOT NULL,
	UNIQUE (article_id, text)
);
CREATE INDEX corrections_by_time ON corrections (found_at DESC, id DESC);
