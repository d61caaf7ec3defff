-- Issue 12: a task's deliveries are claimed as soon as the first audience ranges are in, before the audience is
-- complete and its quota reservation reconciled (audience_size still NULL). Until then the claims may spend only the
-- reservation: this counts what they took from it (claimed or skipped at claim time, less what was handed back),
-- under the claim position's lock (org.edm.domain.quota.TaskQuota). Adding a column with a constant default is a
-- catalogue change only, whatever the table's size.
ALTER TABLE task_claim_positions ADD COLUMN claimed_on_reservation BIGINT NOT NULL DEFAULT 0;
