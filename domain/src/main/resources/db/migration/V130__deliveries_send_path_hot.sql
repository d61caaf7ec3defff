-- The send path writes each delivery several times after it is inserted: the claim (SENDING), the at-most-once mark
-- (attempted_at) and the outcome (SENT). Issue 12, measured with pg_stat_statements in the delivery benchmark.

-- 1. Room on every page for one more version of its rows. The attempted mark changes no indexed column (attempted_at
--    and updated_at are in no index or index predicate), so with room on the page it is a HOT update: no new entry
--    in any of the table's indexes. At fillfactor 100 about a third of the marks found no room and rewrote an entry
--    in eight indexes each; at 70 all of them were HOT in a replay of the claim/mark/sent sequence (at 50 too, at
--    a quarter more pages). Applies to pages written from now on.
ALTER TABLE deliveries SET (fillfactor = 70);

-- 2. The claim index covers a claim's deliveries whatever their status. Before, it held SENDING rows only, so the
--    per-batch statements that also read a claim's SENT and FAILED rows (the send events, the campaign labels, the
--    claim's counts, "has this activity claimed yet") scanned the whole table, once each per batch of 1,000: their
--    cost grew with every delivery ever made. A claim's token repeats on up to a batch of rows, which B-tree
--    deduplication stores about once. (The group's attempted mark must not be planned on this index: see
--    DeliveryClaims.markAttempted.)
DROP INDEX deliveries_claim;
CREATE INDEX deliveries_claim ON deliveries (claim_token) WHERE claim_token IS NOT NULL;
