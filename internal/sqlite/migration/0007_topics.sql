-- Topics, the articles that belong to them, and their digests.
--
-- rules is JSON ({"match": […], "exclude": […], "outlets": […]}), read
-- and written by internal/store. tagged_through is the highest article id
-- the current rules have been applied to; re-tagging moves it up.
CREATE TABLE topics (
	id             INTEGER PRIMARY KEY,
	slug           TEXT    NOT NULL UNIQUE CHECK (slug <> ''),
	name           TEXT    NOT NULL CHECK (name <> ''),
	rules          TEXT    NOT NULL,
	tagged_through INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);

-- article_topics tags articles. published_at repeats the article's, so
-- that a topic's page reads its newest articles from one index.
CREATE TABLE article_topics (
	topic_id     INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
	article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	published_at INTEGER NOT NULL,
	PRIMARY KEY (topic_id, article_id)
) WITHOUT ROWID;
CREATE INDEX article_topics_by_article ON article_topics (article_id);
CREATE INDEX article_topics_by_time ON article_topics (topic_id, published_at DESC, article_id DESC);

-- digest_points are the points of each topic's "Latest developments":
-- one per development (an article now, a story later), refreshed in place
-- so that an editor's pin, wording and hiding survive.
CREATE TABLE digest_points (
	id           INTEGER PRIMARY KEY,
	topic_id     INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
	development  TEXT    NOT NULL CHECK (development <> ''),
	article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	sentence     TEXT    NOT NULL CHECK (sentence <> ''),
	published_at INTEGER NOT NULL,
	edited_text  TEXT    NOT NULL DEFAULT '',
	pinned       INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
	hidden       INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
	UNIQUE (topic_id, development)
);
CREATE INDEX digest_points_by_time ON digest_points (topic_id, pinned DESC, published_at DESC, id DESC);
CREATE INDEX digest_points_by_article ON digest_points (article_id);
