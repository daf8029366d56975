-- Why the pages read at a source's last check look badly extracted, for
-- the desk's dashboard (issue 21); '' when they look right.
ALTER TABLE sources ADD COLUMN extract_warning TEXT NOT NULL DEFAULT '';
