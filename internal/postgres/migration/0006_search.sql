-- Full-text search and related articles.
--
-- search is each article's text-search vector: the title (weight A) and
-- the body (weight B) as internal/search prepares them (IndexText:
-- lower-cased tokens without accents, CJK text as overlapping character
-- pairs), parsed with the 'simple' configuration so that no stemming or
-- stop words make PostgreSQL match differently from SQLite. AddArticle
-- sets it in the article's transaction.
ALTER TABLE articles ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;

-- Articles stored before this migration are indexed from their raw text:
-- accents are kept and CJK runs are whole tokens, found only by the
-- whole run; punctuation is split the way PostgreSQL's parser splits it.
UPDATE articles SET search =
	setweight(to_tsvector('simple', title), 'A') ||
	setweight(to_tsvector('simple', left(text, 262144)), 'B');

CREATE INDEX articles_search ON articles USING gin (search);

-- related holds each article's "You may also like" list, in display
-- order, computed when articles arrive. A page reads it by primary key.
CREATE TABLE related (
	article_id bigint   NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   smallint NOT NULL CHECK (position BETWEEN 0 AND 5),
	related_id bigint   NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	score      double precision NOT NULL,
	CHECK (related_id <> article_id),
	PRIMARY KEY (article_id, position)
);

-- Deleting an article deletes the list items that point at it.
CREATE INDEX related_by_related ON related (related_id);
