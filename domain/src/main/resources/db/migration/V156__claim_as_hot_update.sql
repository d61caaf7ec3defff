-- PRICING ONLY (throw-away): the claim without the two claim indexes
ALTER TABLE send_batches ADD COLUMN first_id BIGINT, ADD COLUMN last_id BIGINT;
CREATE INDEX deliveries_task_id ON deliveries (task_id, id);
DROP INDEX deliveries_unclaimed;
DROP INDEX deliveries_claim;
