-- What an article came with, kept when an editor first changes its shown
-- title or excerpt (issue 21); the row goes with its article.
CREATE TABLE article_originals (
	article_id bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	title      text        NOT NULL,
	lead       text        NOT NULL,
	edited_at  timestamptz NOT NULL
);
