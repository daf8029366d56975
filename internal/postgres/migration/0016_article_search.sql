-- Each article's search vector moves out of articles into a table of its
-- own, kept in the row beside what a search step reads of a match (its
-- id, whether it is the shown copy of its text, its outlet, time and
-- title), so that a search reads this table alone.
--
-- In articles the vector (3.5 kB for a typical article; pglz saves too
-- little on one to keep it compressed) was stored apart from the row,
-- in TOAST. A phrase is checked against the positions in the vector of
-- every article holding all its words, and fetching each vector from
-- TOAST cost three times the check: on 30,000 vectors, 195 ms out of
-- line against 58 ms in the row. toast_tuple_target and STORAGE MAIN
-- keep a vector of up to a page in the row; only longer ones still go
-- to TOAST. The row is written once, with the article, and changes only
-- when the article becomes or stops being its text's shown copy.
CREATE TABLE article_search (
	id           bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	shown        boolean     NOT NULL,
	source_id    bigint      NOT NULL,
	published_at timestamptz NOT NULL,
	title        text        NOT NULL,
	search       tsvector    NOT NULL
) WITH (toast_tuple_target = 8160);
ALTER TABLE article_search ALTER COLUMN search SET STORAGE MAIN;

INSERT INTO article_search (id, shown, source_id, published_at, title, search)
	SELECT id, duplicate_of IS NULL, source_id, published_at, title, search FROM articles;

-- The same keys as migration 0015's index on articles.
CREATE INDEX article_search_words ON article_search
	USING gin ((id / 1024), (id / 8192), (id / 65536), (id / 524288), search)
	WITH (gin_pending_list_limit = 512);

-- Dropping the column drops its index (articles_search_sizes). The old
-- vectors' space in articles' TOAST table is reused by new rows; VACUUM
-- FULL articles gives it back to the system at once.
ALTER TABLE articles DROP COLUMN search;

-- A search sizes its first step by the column's statistics.
ANALYZE article_search;
