-- Each article's search vector moves out of articles into a table of its
-- own, beside what a search step reads of a match: its id, whether it is
-- the shown copy of its text, its outlet, time and title. A step reads
-- the row of every match it finds, and the rows of articles are wide
-- (the lead, the URL, the byline, and up to 2 kB of the rest before
-- PostgreSQL moves a column out to TOAST): at a million generated
-- articles, a page held 6 of them and holds about 20 of these. A
-- vector of more than about 2 kB (3.5 kB for a typical article) is
-- stored apart (TOAST), as it was in articles, and read only to check a
-- phrase's positions.
--
-- Kept in the row instead (toast_tuple_target 8160, STORAGE MAIN), the
-- vector made phrases twice as fast and the other searches slower (with
-- PostgreSQL's default cache, filtered ones by up to half again), as each
-- match's row then filled half a page (docs/BENCHMARKS.md, session 7).
-- The row is written once, with the article, and changes only when the
-- article becomes or stops being its text's shown copy.
CREATE TABLE article_search (
	id           bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	shown        boolean     NOT NULL,
	source_id    bigint      NOT NULL,
	published_at timestamptz NOT NULL,
	title        text        NOT NULL,
	search       tsvector    NOT NULL
);

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
