-- Pictures (issue 20). An article's pictures name addresses; an address is
-- fetched once, whatever number of articles name it, and what it held is
-- kept as media under the SHA-256 of its bytes, in variants Herald made,
-- so that every process sharing the database serves them with no shared
-- disk.

-- media is one picture, by the hash of the original, which itself is not
-- kept: only its description and Herald's variants of it.
CREATE TABLE media (
	hash           text        PRIMARY KEY CHECK (length(hash) = 64),
	width          integer     NOT NULL CHECK (width > 0),
	height         integer     NOT NULL CHECK (height > 0),
	content_type   text        NOT NULL CHECK (content_type <> ''),
	original_bytes bigint      NOT NULL CHECK (original_bytes > 0),
	created_at     timestamptz NOT NULL
);

-- media_variants holds the bytes Herald serves: width variants, and the
-- social card, each under its width.
CREATE TABLE media_variants (
	hash         text    NOT NULL REFERENCES media (hash) ON DELETE CASCADE,
	card         boolean NOT NULL,
	width        integer NOT NULL CHECK (width > 0),
	height       integer NOT NULL CHECK (height > 0),
	content_type text    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
	data         bytea   NOT NULL CHECK (length(data) > 0),
	PRIMARY KEY (hash, card, width)
);
-- JPEG and PNG bytes are compressed already: PostgreSQL's compression
-- would cost time on every write and save nothing.
ALTER TABLE media_variants ALTER COLUMN data SET STORAGE EXTERNAL;

-- images is one address of a picture and where Herald stands with it:
-- pending, stored (hash set), refused, or failed (tried again at next_try,
-- or never when it is NULL). A claim holds it until lease_until.
CREATE TABLE images (
	id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source_url  text        NOT NULL UNIQUE CHECK (source_url <> ''),
	status      text        NOT NULL CHECK (status IN ('pending', 'stored', 'refused', 'failed')),
	hash        text        REFERENCES media (hash),
	reason      text        NOT NULL DEFAULT '',
	attempts    integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_try    timestamptz,
	lease_until timestamptz,
	created_at  timestamptz NOT NULL,
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
	article_id bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   integer NOT NULL CHECK (position >= 0),
	role       text    NOT NULL CHECK (role IN ('lead', 'body') AND (role = 'body' OR position = 0)),
	image_id   bigint  NOT NULL REFERENCES images (id),
	alt        text    NOT NULL DEFAULT '',
	caption    text    NOT NULL DEFAULT '',
	credit     text    NOT NULL DEFAULT '',
	PRIMARY KEY (article_id, position),
	UNIQUE (article_id, image_id)
);

-- Claims and PruneMedia ask which articles name an address.
CREATE INDEX article_images_by_image ON article_images (image_id);
