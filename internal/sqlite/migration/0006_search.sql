-- Full-text search and related articles.
--
-- article_search indexes each article under its id (the rowid): the title
-- and the body as internal/search prepares them (IndexText: lower-cased
-- tokens without accents, CJK text as overlapping character pairs), which
-- AddArticle writes in the article's transaction. It keeps no copy of the
-- text (content=''); snippets are cut from articles.text. Deleting an
-- article deletes its entry through the trigger below.
CREATE VIRTUAL TABLE article_search USING fts5 (
	title, body,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);

-- Articles stored before this migration are indexed from their raw text:
-- unicode61 lower-cases and removes accents as IndexText does, but their
-- CJK runs are whole tokens, found only by the whole run.
INSERT INTO article_search (rowid, title, body) SELECT id, title, text FROM articles;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
	DELETE FROM article_search WHERE rowid = old.id;
END;

-- article_search_terms reads the index's document frequencies, which
-- related articles use as term weights.
CREATE VIRTUAL TABLE article_search_terms USING fts5vocab (article_search, 'row');

-- related holds each article's "You may also like" list, in display
-- order, computed when articles arrive. A page reads it by primary key.
CREATE TABLE related (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL CHECK (position BETWEEN 0 AND 5),
	related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	score      REAL    NOT NULL,
	CHECK (related_id <> article_id),
	PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Deleting an article deletes the list items that point at it.
CREATE INDEX related_by_related ON related (related_id);
