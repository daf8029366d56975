-- Living articles (issue 22): everything from an outlet taken down at
-- once, takedowns kept restorable for a retention period only, and feed
-- items remembered with their last update.

-- A source taken down (herald source takedown) is paused and keeps its
-- reason; its articles' takedowns name it, so that restoring the source
-- brings back those and no article an editor took down on its own.
ALTER TABLE sources ADD COLUMN taken_down_at timestamptz;
ALTER TABLE sources ADD COLUMN takedown_reason text NOT NULL DEFAULT '';
ALTER TABLE takedowns ADD COLUMN source_id bigint REFERENCES sources (id) ON DELETE SET NULL;
CREATE INDEX takedowns_by_source ON takedowns (source_id, article_id) WHERE source_id IS NOT NULL;

-- purged_at is when the retention period deleted the takedown's text for
-- good: snapshot is NULL from then on, and the article cannot be
-- restored; the row stays, so that its address keeps answering 410 Gone.
ALTER TABLE takedowns ADD COLUMN purged_at timestamptz;
ALTER TABLE takedowns ALTER COLUMN snapshot DROP NOT NULL;
ALTER TABLE takedowns ADD CHECK ((snapshot IS NULL) = (purged_at IS NOT NULL));
CREATE INDEX takedowns_to_purge ON takedowns (at) WHERE purged_at IS NULL;

-- updated_at is the item's own last update (Atom updated, JSON Feed
-- date_modified) as last delivered, NULL until one is: a newer one makes
-- its article's re-check due at once.
ALTER TABLE source_items ADD COLUMN updated_at timestamptz;
