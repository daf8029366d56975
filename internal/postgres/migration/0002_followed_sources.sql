-- Sources Herald follows itself. An outlet known only from imports keeps
-- feed_url '' and the defaults below, so the rows of 0001 stay valid.
ALTER TABLE sources
	ADD COLUMN feed_url      text        NOT NULL DEFAULT '',
	ADD COLUMN kind          text        NOT NULL DEFAULT ''
		CHECK (kind IN ('', 'feed', 'sitemap', 'page')),
	ADD COLUMN licence       text        NOT NULL DEFAULT ''
		CHECK (licence IN ('', 'full', 'excerpt', 'headline')),
	ADD COLUMN fulltext      text        NOT NULL DEFAULT ''
		CHECK (fulltext IN ('', 'auto', 'always', 'never')),
	-- every is the fixed interval between checks: 0 lets Herald decide.
	ADD COLUMN every         interval    NOT NULL DEFAULT '0'
		CHECK (every = '0' OR every BETWEEN '5 minutes' AND '24 hours'),
	ADD COLUMN status        text        NOT NULL DEFAULT ''
		CHECK (status IN ('', 'new', 'ok', 'error')),
	ADD COLUMN last_error    text        NOT NULL DEFAULT '',
	ADD COLUMN last_fetch_at timestamptz,
	ADD COLUMN next_check_at timestamptz,
	ADD COLUMN failures      integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
	ADD COLUMN etag          text        NOT NULL DEFAULT '',
	ADD COLUMN last_modified text        NOT NULL DEFAULT '',
	ADD COLUMN removed_at    timestamptz,
	-- A lease is held by one owner until lease_until.
	ADD COLUMN lease_owner   text        CHECK (lease_owner <> ''),
	ADD COLUMN lease_until   timestamptz,
	ADD CONSTRAINT sources_lease_check CHECK ((lease_until IS NULL) = (lease_owner IS NULL)),
	-- A followed source has all its settings and a time for its next check.
	ADD CONSTRAINT sources_followed_check CHECK (feed_url = '' OR (kind <> '' AND licence <> ''
		AND fulltext <> '' AND status <> '' AND next_check_at IS NOT NULL));

CREATE UNIQUE INDEX sources_by_feed_url ON sources (feed_url) WHERE feed_url <> '';
-- ClaimDueSources reads this index in order of next_check_at.
CREATE INDEX sources_due ON sources (next_check_at) WHERE feed_url <> '' AND removed_at IS NULL;

-- source_items remembers every item a followed source delivered, by the
-- item's key, so that an item is stored once, and never again once an
-- editor deleted its article: article_id becomes NULL, the row stays.
CREATE TABLE source_items (
	source_id  bigint      NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	item_key   text        NOT NULL CHECK (item_key <> ''),
	article_id bigint      REFERENCES articles (id) ON DELETE SET NULL,
	seen_at    timestamptz NOT NULL,
	PRIMARY KEY (source_id, item_key)
);

-- Deleting an article looks up the items that point at it.
CREATE INDEX source_items_by_article ON source_items (article_id);
