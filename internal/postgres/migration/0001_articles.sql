-- Sources and their articles. Times are timestamptz, which PostgreSQL keeps
-- to the microsecond.
CREATE TABLE sources (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug       text        NOT NULL UNIQUE CHECK (slug <> ''),
	name       text        NOT NULL CHECK (name <> ''),
	homepage   text        NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL
);

CREATE TABLE articles (
	id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug         text        NOT NULL UNIQUE CHECK (slug <> ''),
	original_url text        NOT NULL UNIQUE CHECK (original_url <> ''),
	source_id    bigint      NOT NULL REFERENCES sources (id),
	title        text        NOT NULL CHECK (title <> ''),
	byline       text        NOT NULL DEFAULT '',
	published_at timestamptz NOT NULL,
	html         text        NOT NULL,
	text         text        NOT NULL,
	lead         text        NOT NULL,
	image        text        NOT NULL DEFAULT '',
	lang         text        NOT NULL DEFAULT '',
	licence      text        NOT NULL CHECK (licence IN ('full', 'excerpt', 'headline')),
	created_at   timestamptz NOT NULL
);

CREATE INDEX articles_by_time ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_source_time ON articles (source_id, published_at DESC, id DESC);

-- changes is an append-only log of writes that alter what pages show; its
-- highest id is the store's version, polled by page caches in every process.
-- Writers lock the table before inserting (see recordChange), so ids are
-- handed out in commit order and the highest id never hides a later commit.
CREATE TABLE changes (
	id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind text        NOT NULL,
	ref  bigint      NOT NULL,
	at   timestamptz NOT NULL
);
