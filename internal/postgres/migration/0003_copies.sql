-- Copies: the same text republished by several outlets is shown once, on
-- the page of one copy, and lists every outlet that carried it.
--
-- text_hash is the hash of the article's normalised text (internal/dedup),
-- its 64 bits stored as a signed bigint; 0 means none, as for every article
-- stored before this migration. fingerprint is the encoded MinHash
-- signature, NULL when there is none.
--
-- duplicate_of is the shown copy of this article's text, NULL for the
-- shown copy itself. Copies always point at the shown copy, never at
-- another copy; deleting the shown copy leaves the others shown, unless
-- the store picks a new one first (see RemoveSource).
ALTER TABLE articles
	ADD COLUMN text_hash    bigint NOT NULL DEFAULT 0,
	ADD COLUMN fingerprint  bytea,
	ADD COLUMN duplicate_of bigint REFERENCES articles (id) ON DELETE SET NULL,
	ADD CONSTRAINT articles_duplicate_of_check CHECK (duplicate_of <> id);

-- FindCopyCandidates looks up equal texts; 0 is never looked up.
CREATE INDEX articles_by_text_hash ON articles (text_hash) WHERE text_hash <> 0;
-- The home page lists only shown copies, newest first.
CREATE INDEX articles_shown_by_time ON articles (published_at DESC, id DESC) WHERE duplicate_of IS NULL;
-- The copies of a text, for article pages, lists and a new shown copy.
CREATE INDEX articles_by_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- article_bands holds the LSH band keys of each article's text: articles
-- sharing a key are candidates for the same text. Keys are 64-bit hashes
-- stored as signed bigints.
CREATE TABLE article_bands (
	band       bigint NOT NULL,
	article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	PRIMARY KEY (band, article_id)
);

-- Deleting an article deletes its bands through this index.
CREATE INDEX article_bands_by_article ON article_bands (article_id);
