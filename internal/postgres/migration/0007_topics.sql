-- Topics, the articles that belong to them, and their digests.
--
-- rules is JSON ({"match": […], "exclude": […], "outlets": […]}), read
-- and written by internal/store. tagged_through is the highest article id
-- the current rules have been applied to; re-tagging moves it up.
CREATE TABLE topics (
	id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug           text        NOT NULL UNIQUE CHECK (slug <> ''),
	name           text        NOT NULL CHECK (name <> ''),
	rules          text        NOT NULL,
	tagged_through bigint      NOT NULL DEFAULT 0,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL
);

-- article_topics tags articles. published_at repeats the article's, so
-- that a topic's page reads its newest articles from one index.
CREATE TABLE article_topics (
	topic_id     bigint      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
	article_id   bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	published_at timestamptz NOT NULL,
	PRIMARY KEY (topic_id, article_id)
);
CREATE INDEX article_topics_by_article ON article_topics (article_id);
CREATE INDEX article_topics_by_time ON article_topics (topic_id, published_at DESC, article_id DESC);

-- digest_points are the points of each topic's "Latest developments":
-- one per development (an article now, a story later), refreshed in place
-- so that an editor's pin, wording and hiding survive.
CREATE TABLE digest_points (
	id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	topic_id     bigint      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
	development  text        NOT NULL CHECK (development <> ''),
	article_id   bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	sentence     text        NOT NULL CHECK (sentence <> ''),
	published_at timestamptz NOT NULL,
	edited_text  text        NOT NULL DEFAULT '',
	pinned       boolean     NOT NULL DEFAULT false,
	hidden       boolean     NOT NULL DEFAULT false,
	UNIQUE (topic_id, development)
);
CREATE INDEX digest_points_by_time ON digest_points (topic_id, pinned DESC, published_at DESC, id DESC);
CREATE INDEX digest_points_by_article ON digest_points (article_id);
