-- The search index keys every article by its blocks of 1,024, 8,192,
-- 65,536 and 524,288 consecutive ids, one column each, beside its words.
-- A walk step asks for one aligned block of one size by equality, a
-- single index entry, which the planner reads together with the words
-- (search.go, blockLevels). With only the 1,024-id blocks (0014), a step
-- asked for a list of them, which the planner costed as one index scan
-- each and often left out, reading every match's row in the store.
CREATE INDEX articles_search_sizes ON articles
	USING gin ((id / 1024), (id / 8192), (id / 65536), (id / 524288), search)
	WITH (gin_pending_list_limit = 512);
DROP INDEX articles_search_block;
