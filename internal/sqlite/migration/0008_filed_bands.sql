-- Band keys are now filed by publication week (see dedup.FileBands), so
-- that the index over them grows at its recent end only. The keys stored
-- before are in the old form and would never match: drop them, and mark
-- every article as not fingerprinted, so that the backfill that runs when
-- herald serve starts (ingest.Backfill) files them again. Text hashes are
-- unchanged and keep matching exact copies meanwhile.
DELETE FROM article_bands;
UPDATE articles SET fingerprint = NULL WHERE fingerprint IS NOT NULL;
