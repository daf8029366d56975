-- Stories: the articles that tell one event, whatever outlet wrote them.
-- Times are Unix nanoseconds, UTC.
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
	id          INTEGER PRIMARY KEY,
	centroid    BLOB    NOT NULL,
	size        INTEGER NOT NULL CHECK (size >= 0),
	first_at    INTEGER NOT NULL,
	last_at     INTEGER NOT NULL,
	latest_at   INTEGER NOT NULL,
	merged_into INTEGER REFERENCES stories (id) CHECK (merged_into <> id),
	lead_id     INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	lead_vector BLOB    NOT NULL DEFAULT x'',
	created_at  INTEGER NOT NULL
);

-- Lists of stories, the latest first.
CREATE INDEX stories_by_latest ON stories (latest_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX stories_by_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL;

-- story_index files OPEN stories under their heaviest terms: the only way
-- candidates are found. A story found closed leaves it, so its size
-- follows the stories still open, not the size of the store.
CREATE TABLE story_index (
	term     TEXT    NOT NULL,
	story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	PRIMARY KEY (term, story_id)
) WITHOUT ROWID;
CREATE INDEX story_index_by_story ON story_index (story_id);

-- story_terms counts, for each term, the articles it occurs in;
-- story_docs (one row) counts the articles.
CREATE TABLE story_terms (
	term TEXT    PRIMARY KEY,
	df   INTEGER NOT NULL CHECK (df > 0)
) WITHOUT ROWID;
CREATE TABLE story_docs (
	one  INTEGER PRIMARY KEY CHECK (one = 1),
	docs INTEGER NOT NULL CHECK (docs >= 0)
);
INSERT INTO story_docs (one, docs) VALUES (1, 0);

-- story_id is the article's story, NULL until placed; story_pinned marks
-- an article an editor split out, which is never placed again.
ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories (id);
ALTER TABLE articles ADD COLUMN story_pinned INTEGER NOT NULL DEFAULT 0 CHECK (story_pinned IN (0, 1));
CREATE INDEX articles_by_story ON articles (story_id, published_at, id) WHERE story_id IS NOT NULL;
-- The repair pass finds articles left without a story.
CREATE INDEX articles_unplaced ON articles (published_at, id) WHERE story_id IS NULL;
