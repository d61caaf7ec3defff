-- Issue 12: the claim becomes a HOT update, like the outcome (V150). The claim writes status, skip_reason,
-- sender_service_id, claim_token and updated_at; claim_token was the key of deliveries_claim and in the predicate of
-- deliveries_unclaimed, so every claimed delivery got a new entry in each of the table's five indexes. After this
-- migration no index of deliveries reads a column the claim writes (PendingQueueTests keeps it so).
--
-- Large tables: the index build below reads the whole table and blocks writes to deliveries while it runs (roughly a
-- second per million rows on the benchmark machine); send_batches' id ranges and the claim positions are one grouped
-- pass each. Better stop the workers for the upgrade: a claim made by a worker of the previous version after this
-- migration has no id range (its rows are then read through its whole task) and does not move the claim position.

-- 1. The plain (task_id, id) index: written once at insert, never by the claim or the outcome.
CREATE INDEX deliveries_task_id ON deliveries (task_id, id);

-- 2. "The rows of this claim" are found through its batch: its task and the id range it claimed.
ALTER TABLE send_batches ADD COLUMN first_id BIGINT, ADD COLUMN last_id BIGINT;
UPDATE send_batches b SET first_id = r.lo, last_id = r.hi
  FROM (SELECT claim_token, min(id) AS lo, max(id) AS hi FROM deliveries
         WHERE claim_token LIKE '%/%' GROUP BY claim_token) r
 WHERE b.claim_token = r.claim_token;
-- claims that took only suppressed rows had no batch row (it was written for claims that send); now every claim has
-- one, closed when none of its rows is still SENDING
INSERT INTO send_batches (claim_token, sender_service_id, task_id, claimed_at, closed_at, sent, first_sent_at,
                          last_sent_at, first_id, last_id)
SELECT d.claim_token, min(d.sender_service_id), min(d.task_id), min(d.updated_at),
       CASE WHEN bool_and(d.status <> 'SENDING') THEN now() END,
       count(*) FILTER (WHERE d.status = 'SENT'),
       min(d.sent_at) FILTER (WHERE d.status = 'SENT'), max(d.sent_at) FILTER (WHERE d.status = 'SENT'),
       min(d.id), max(d.id)
  FROM deliveries d
 WHERE d.claim_token LIKE '%/%'
   AND NOT EXISTS (SELECT 1 FROM send_batches b WHERE b.claim_token = d.claim_token)
 GROUP BY d.claim_token;

-- 3. The pending queue: per task, the id below which no delivery is PENDING (org.edm.domain.task.PendingQueue).
CREATE TABLE task_claim_positions (
    task_id        BIGINT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    claimed_below  BIGINT NOT NULL
);
INSERT INTO task_claim_positions (task_id, claimed_below)
SELECT t.id, coalesce((SELECT min(d.id) FROM deliveries d WHERE d.task_id = t.id AND d.claim_token IS NULL),
                      (SELECT max(d.id) + 1 FROM deliveries d WHERE d.task_id = t.id), 0)
  FROM tasks t;

DROP INDEX deliveries_unclaimed;
DROP INDEX deliveries_claim;

-- 4. Room on the page for three new versions of each row (the claim, the attempted mark, the outcome) instead of two:
--    with the claim a HOT update too, fillfactor 50 (V135) left too little, and about a third of the outcomes moved to
--    another page with an entry in every index (priced: HOT share 80 % at 50, 98 % at 30). Applies to pages filled
--    from now on; existing pages keep their layout until rewritten (VACUUM FULL or pg_repack, if ever wanted).
ALTER TABLE deliveries SET (fillfactor = 30);
