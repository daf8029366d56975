-- Sources and their articles. Times are Unix nanoseconds, UTC.
CREATE TABLE sources (
	id         INTEGER PRIMARY KEY,
	slug       TEXT    NOT NULL UNIQUE CHECK (slug <> ''),
	name       TEXT    NOT NULL CHECK (name <> ''),
	homepage   TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	slug         TEXT    NOT NULL UNIQUE CHECK (slug <> ''),
	original_url TEXT    NOT NULL UNIQUE CHECK (original_url <> ''),
	source_id    INTEGER NOT NULL REFERENCES sources (id),
	title        TEXT    NOT NULL CHECK (title <> ''),
	byline       TEXT    NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL,
	html         TEXT    NOT NULL,
	text         TEXT    NOT NULL,
	lead         TEXT    NOT NULL,
	image        TEXT    NOT NULL DEFAULT '',
	lang         TEXT    NOT NULL DEFAULT '',
	licence      TEXT    NOT NULL CHECK (licence IN ('full', 'excerpt', 'headline')),
	created_at   INTEGER NOT NULL
);

CREATE INDEX articles_by_time ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_source_time ON articles (source_id, published_at DESC, id DESC);

-- changes is an append-only log of writes that alter what pages show; its
-- highest id is the store's version, polled by page caches in every process.
CREATE TABLE changes (
	id   INTEGER PRIMARY KEY,
	kind TEXT    NOT NULL,
	ref  INTEGER NOT NULL,
	at   INTEGER NOT NULL
);
