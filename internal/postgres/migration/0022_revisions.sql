-- Living articles (issue 22): each article of a followed source is
-- fetched again on a schedule that thins out with age, and the versions
-- its revisions replaced are kept.

-- article_rechecks is an article's re-check schedule: step counts the
-- re-checks done (herald.RecheckSteps), due_at is when the next is due,
-- NULL once none is left; misses counts the checks in a row that found
-- the original gone; page_hash identifies the page's words as last read
-- (herald.Recheck.PageHash), '' before. A worker leases rows as it leases sources
-- (lease_owner, lease_until). AddArticle writes the row, in its
-- transaction, for an article whose source is followed; articles stored
-- before this migration get none, until RecheckSoon asks for one.
CREATE TABLE article_rechecks (
	article_id    bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	step          integer     NOT NULL DEFAULT 0 CHECK (step >= 0),
	due_at        timestamptz,
	misses        integer     NOT NULL DEFAULT 0 CHECK (misses >= 0),
	etag          text        NOT NULL DEFAULT '',
	last_modified text        NOT NULL DEFAULT '',
	page_hash     text        NOT NULL DEFAULT '',
	lease_owner   text,
	lease_until   timestamptz
);
-- Claims read the due rows in the order they fell due.
CREATE INDEX article_rechecks_due ON article_rechecks (due_at, article_id) WHERE due_at IS NOT NULL;

-- article_revisions keeps the versions of an article that later ones
-- replaced, numbered from 1 (the version first stored); the shown one is
-- the article's row, numbered articles.revisions. title and byline are
-- kept as they were; body is the version's HTML and text in one deflated
-- stream (store.PackVersion) whose dictionary is the next version's, so
-- that a version costs about what changed in the next: some 60 bytes for
-- a paragraph added to a 4 KB article, against 1.1 KB deflated alone.
-- Reading one means reading the newer ones first; a version is never
-- changed once kept.
CREATE TABLE article_revisions (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	n          integer     NOT NULL CHECK (n >= 1),
	at         timestamptz NOT NULL,
	title      text        NOT NULL,
	byline     text        NOT NULL,
	body       bytea       NOT NULL,
	UNIQUE (article_id, n)
);

-- updated_at is when the shown version was stored, NULL while the
-- article has not been revised; revisions counts its versions.
ALTER TABLE articles ADD COLUMN updated_at timestamptz;
ALTER TABLE articles ADD COLUMN revisions integer NOT NULL DEFAULT 1 CHECK (revisions >= 1);
