-- The rate limit per network (a /24 or /48) counts the comments stored
-- from it in the last minute, so it holds across every process sharing
-- the database. Comments stored before carry no network and are not
-- counted; erasing an author's data clears it with the address.
ALTER TABLE comments ADD COLUMN author_network TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_network ON comments (author_network, created_at) WHERE author_network <> '';
