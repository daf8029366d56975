-- What an article came with, kept when an editor first changes its shown
-- title or excerpt (issue 21); the row goes with its article. Times are
-- Unix nanoseconds, UTC.
CREATE TABLE article_originals (
	article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	title      TEXT    NOT NULL,
	lead       TEXT    NOT NULL,
	edited_at  INTEGER NOT NULL
);
