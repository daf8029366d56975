-- Stories: the articles that tell one event, whatever outlet wrote them.
--
-- centroid is the clustering state (internal/story's encoding), empty for
-- a story an editor made, which takes no new articles. size counts the
-- articles counted into the centroid; first_at and last_at are their
-- earliest and latest publication times. latest_at is the newest article
-- of the story as shown, merged stories' included: lists order by it.
-- merged_into is set when an editor merged the story into another: its
-- articles moved there, and an article placed in it goes there too.
-- lead_id is the most central article seen, lead_vector its encoded vector.
CREATE TABLE stories (
	id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	centroid    bytea       NOT NULL,
	size        integer     NOT NULL CHECK (size >= 0),
	first_at    timestamptz NOT NULL,
	last_at     timestamptz NOT NULL,
	latest_at   timestamptz NOT NULL,
	merged_into bigint      REFERENCES stories (id) CHECK (merged_into <> id),
	lead_id     bigint      REFERENCES articles (id) ON DELETE SET NULL,
	lead_vector bytea       NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL
);

-- Lists of stories, the latest first.
CREATE INDEX stories_by_latest ON stories (latest_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX stories_by_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL;

-- story_index files OPEN stories under their heaviest terms: the only way
-- candidates are found. A story found closed leaves it, so its size
-- follows the stories still open, not the size of the store.
CREATE TABLE story_index (
	term     text   NOT NULL,
	story_id bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	PRIMARY KEY (term, story_id)
);
CREATE INDEX story_index_by_story ON story_index (story_id);

-- story_terms counts, for each term, the articles it occurs in;
-- story_docs (one row) counts the articles.
CREATE TABLE story_terms (
	term text    PRIMARY KEY,
	df   integer NOT NULL CHECK (df > 0)
);
CREATE TABLE story_docs (
	one  integer PRIMARY KEY CHECK (one = 1),
	docs bigint  NOT NULL CHECK (docs >= 0)
);
INSERT INTO story_docs (one, docs) VALUES (1, 0);

-- story_id is the article's story, NULL until placed; story_pinned marks
-- an article an editor split out, which is never placed again.
ALTER TABLE articles
	ADD COLUMN story_id     bigint  REFERENCES stories (id),
	ADD COLUMN story_pinned boolean NOT NULL DEFAULT false;
CREATE INDEX articles_by_story ON articles (story_id, published_at, id) WHERE story_id IS NOT NULL;
-- The repair pass finds articles left without a story.
CREATE INDEX articles_unplaced ON articles (published_at, id) WHERE story_id IS NULL;
