-- EXPERIMENT (issue 12): room on each deliveries page for the claim, attempted and SENT versions of its rows, so the
-- attempted mark (no indexed column changes) can be a HOT update.
ALTER TABLE deliveries SET (fillfactor = 50);
