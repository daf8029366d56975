-- Which pictures a source's articles show (issue 20): all, the lead, or
-- none; '' follows the source's licence (full: all, excerpt: the lead,
-- headline: none), and a setting never shows more than the licence allows.
ALTER TABLE sources ADD COLUMN images TEXT NOT NULL DEFAULT ''
	CHECK (images IN ('', 'all', 'lead', 'none'));
