-- An article's own closing time for comments, overriding the site's and
-- its source's; NULL keeps them open for good. (A file of its own because
-- 0005_comments.sql had landed: migrations are never edited.)
CREATE TABLE comment_closing (
	article_id bigint      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	closes_at  timestamptz
);
