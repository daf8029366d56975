-- Search walks the newest matches of a query in the full-text index and
-- checks each against the article: is it the shown copy of its text, from
-- the outlet asked for, published in the dates asked for. This index
-- answers that by id without reading the article's row, whose text and
-- HTML fill several pages.
CREATE INDEX articles_shown_by_id ON articles (id, source_id, published_at) WHERE duplicate_of IS NULL;
