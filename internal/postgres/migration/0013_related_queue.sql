-- related_queue holds the articles whose "You may also like" lists are
-- still to be computed. AddArticle queues each new article in its own
-- transaction, so none is forgotten if the process stops; the related
-- worker claims a batch for a while (claimed_until) so that two processes
-- do not compute the same lists, and deletes the rows it has done.
CREATE TABLE related_queue (
	article_id    bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	claimed_until timestamptz NOT NULL DEFAULT '-infinity'
);

-- Articles that never got a list (stored before related lists existed, or
-- left behind by a process that stopped between the two steps) are queued.
INSERT INTO related_queue (article_id)
	SELECT id FROM articles WHERE duplicate_of IS NULL
		AND NOT EXISTS (SELECT 1 FROM related WHERE related.article_id = articles.id);
