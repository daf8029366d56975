-- The corrections, clarifications and editor's notes found in articles
-- (issue 22), for the top of each article's page and for /corrections.
-- A note found again keeps the time it was first found.
CREATE TABLE corrections (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	text       text        NOT NULL CHECK (text <> ''),
	found_at   timestamptz NOT NULL,
	UNIQUE (article_id, text)
);
CREATE INDEX corrections_by_time ON corrections (found_at DESC, id DESC);
