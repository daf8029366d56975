-- The search index keys every article by its block of 1,024 consecutive
-- ids as well as by its words, so that a search can ask for the matches
-- among the newest blocks alone and walk back block by block until it has
-- its window (search.go, blockSize). With the words alone, the newest
-- matches of a common word are found either by reading every match the
-- index holds or by walking the table backwards and reading each row's
-- compressed search vector; at 100,000 articles a phrase of common words
-- took half a second either way. Ints in a GIN index need btree_gin, a
-- contrib extension, installed once per database (in pg_catalog, so that
-- it outlives any schema dropped with its tables).
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA pg_catalog;
CREATE INDEX articles_search_block ON articles USING gin ((id / 1024), search)
	WITH (gin_pending_list_limit = 512);
DROP INDEX articles_search;
