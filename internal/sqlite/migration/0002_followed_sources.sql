-- Sources Herald follows itself. An outlet known only from imports keeps
-- feed_url '' and the defaults below, so the rows of 0001 stay valid.
-- Times are Unix nanoseconds, UTC, and NULL where there is none yet.
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT ''
	CHECK (kind IN ('', 'feed', 'sitemap', 'page'));
ALTER TABLE sources ADD COLUMN licence TEXT NOT NULL DEFAULT ''
	CHECK (licence IN ('', 'full', 'excerpt', 'headline'));
ALTER TABLE sources ADD COLUMN fulltext TEXT NOT NULL DEFAULT ''
	CHECK (fulltext IN ('', 'auto', 'always', 'never'));
-- every is the fixed interval between checks in nanoseconds: 0 lets Herald
-- decide, anything else lies between 5 minutes and 24 hours.
ALTER TABLE sources ADD COLUMN every INTEGER NOT NULL DEFAULT 0
	CHECK (every = 0 OR every BETWEEN 300000000000 AND 86400000000000);
ALTER TABLE sources ADD COLUMN status TEXT NOT NULL DEFAULT ''
	CHECK (status IN ('', 'new', 'ok', 'error'));
ALTER TABLE sources ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_fetch_at INTEGER;
ALTER TABLE sources ADD COLUMN next_check_at INTEGER;
ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0);
ALTER TABLE sources ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN removed_at INTEGER;
-- A lease is held by one owner until lease_until; both are set or neither.
ALTER TABLE sources ADD COLUMN lease_owner TEXT CHECK (lease_owner <> '');
ALTER TABLE sources ADD COLUMN lease_until INTEGER
	CHECK ((lease_until IS NULL) = (lease_owner IS NULL));
-- feed_url comes last so that its check can see every column it needs: a
-- followed source has all its settings and a time for its next check.
-- (SQLite adds columns but not table constraints to an existing table.)
ALTER TABLE sources ADD COLUMN feed_url TEXT NOT NULL DEFAULT ''
	CHECK (feed_url = '' OR (kind <> '' AND licence <> '' AND fulltext <> ''
		AND status <> '' AND next_check_at IS NOT NULL));

CREATE UNIQUE INDEX sources_by_feed_url ON sources (feed_url) WHERE feed_url <> '';
-- ClaimDueSources reads this index in order of next_check_at.
CREATE INDEX sources_due ON sources (next_check_at) WHERE feed_url <> '' AND removed_at IS NULL;

-- source_items remembers every item a followed source delivered, by the
-- item's key, so that an item is stored once, and never again once an
-- editor deleted its article: article_id becomes NULL, the row stays.
CREATE TABLE source_items (
	source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	item_key   TEXT    NOT NULL CHECK (item_key <> ''),
	article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	seen_at    INTEGER NOT NULL,
	PRIMARY KEY (source_id, item_key)
);

-- Deleting an article looks up the items that point at it.
CREATE INDEX source_items_by_article ON source_items (article_id);
