-- Issue 12, from pg_stat_statements in the delivery benchmark. (A fillfactor of 70, to make the attempted mark a HOT
-- update, was measured too: HOT updates rose from 3,100 to 13,500 of 66,000 but the send statements read no fewer
-- buffers, so it is not here.)

-- The claim index covers a claim's deliveries whatever their status. Before, it held SENDING rows only, so the
--    per-batch statements that also read a claim's SENT and FAILED rows (the send events, the campaign labels, the
--    claim's counts, "has this activity claimed yet") scanned the whole table, once each per batch of 1,000: their
--    cost grew with every delivery ever made. A claim's token repeats on up to a batch of rows, which B-tree
--    deduplication stores about once. (The group's attempted mark must not be planned on this index: see
--    DeliveryClaims.markAttempted.)
DROP INDEX deliveries_claim;
CREATE INDEX deliveries_claim ON deliveries (claim_token) WHERE claim_token IS NOT NULL;
