-- Pictures (issue 20). An article's pictures name addresses; an address is
-- fetched once, whatever number of articles name it, and what it held is
-- kept as media under the SHA-256 of its bytes, in variants Herald made.
-- Times are Unix nanoseconds, UTC.

-- media is one picture, by the hash of the original, which itself is not
-- kept: only its description and Herald's variants of it.
CREATE TABLE media (
	hash           TEXT    PRIMARY KEY CHECK (length(hash) = 64),
	width          INTEGER NOT NULL CHECK (width > 0),
	height         INTEGER NOT NULL CHECK (height > 0),
	content_type   TEXT    NOT NULL CHECK (content_type <> ''),
	original_bytes INTEGER NOT NULL CHECK (original_bytes > 0),
	created_at     INTEGER NOT NULL
);

-- media_variants holds the bytes Herald serves: width variants, and the
-- social card (card = 1), each under its width. data comes last, so that
-- reading the other columns leaves its pages unread.
CREATE TABLE media_variants (
	hash         TEXT    NOT NULL REFERENCES media (hash) ON DELETE CASCADE,
	card         INTEGER NOT NULL CHECK (card IN (0, 1)),
	width        INTEGER NOT NULL CHECK (width > 0),
	height       INTEGER NOT NULL CHECK (height > 0),
	content_type TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
	data         BLOB    NOT NULL CHECK (length(data) > 0),
	PRIMARY KEY (hash, card, width)
);

-- images is one address of a picture and where Herald stands with it:
-- pending, stored (hash set), refused, or failed (tried again at next_try,
-- or never when it is NULL). A claim holds it until lease_until.
CREATE TABLE images (
	id          INTEGER PRIMARY KEY,
	source_url  TEXT    NOT NULL UNIQUE CHECK (source_url <> ''),
	status      TEXT    NOT NULL CHECK (status IN ('pending', 'stored', 'refused', 'failed')),
	hash        TEXT    REFERENCES media (hash),
	reason      TEXT    NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_try    INTEGER,
	lease_until INTEGER,
	created_at  INTEGER NOT NULL,
	CHECK ((status = 'stored') = (hash IS NOT NULL)),
	CHECK (status IN ('pending', 'failed') OR next_try IS NULL),
	CHECK (status <> 'pending' OR next_try IS NOT NULL)
);

-- ClaimImageWork reads the due addresses in order of next_try.
CREATE INDEX images_due ON images (next_try) WHERE next_try IS NOT NULL;
-- PruneMedia looks for the addresses of each media row.
CREATE INDEX images_by_hash ON images (hash);

-- article_images lists each article's pictures in order, with what the
-- outlet said of each. They go with their article; the addresses and media
-- no article names any more go at the next PruneMedia.
CREATE TABLE article_images (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL CHECK (position >= 0),
	role       TEXT    NOT NULL CHECK (role IN ('lead', 'body') AND (role = 'body' OR position = 0)),
	image_id   INTEGER NOT NULL REFERENCES images (id),
	alt        TEXT    NOT NULL DEFAULT '',
	caption    TEXT    NOT NULL DEFAULT '',
	credit     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (article_id, position),
	UNIQUE (article_id, image_id)
);

-- Claims and PruneMedia ask which articles name an address.
CREATE INDEX article_images_by_image ON article_images (image_id);
