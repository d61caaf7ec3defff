-- Issue 5: the user's quota as a ledger (INV-1). users.quota_balance stays the fast, CHECKed figure; every change of
-- it is a row in user_quota_ledger written by the same statement (see QuotaLedger), so the two cannot drift apart.

-- What a task that has not started yet holds of its owner's quota: its planned audience, reserved when its campaign
-- is activated (or when it is added to a running campaign). Set back to 0 when the task starts: from then on a task
-- holds exactly its PENDING deliveries while it is SENDING (or paused by the system for want of a sender service),
-- and nothing while paused by an operator, paused for want of quota, or ended.
ALTER TABLE tasks ADD COLUMN quota_reserved BIGINT NOT NULL DEFAULT 0 CHECK (quota_reserved >= 0);

-- Balances set before the ledger was kept get one opening row, so that balance = sum(ledger) holds for every user.
INSERT INTO user_quota_ledger (user_id, delta, reason, reference, balance_after, note)
SELECT u.id, u.quota_balance - coalesce(sum(l.delta), 0), 'OPENING_BALANCE', NULL, u.quota_balance,
       'balance held before the quota ledger was kept (V71)'
  FROM users u
  LEFT JOIN user_quota_ledger l ON l.user_id = u.id
 GROUP BY u.id, u.quota_balance
HAVING u.quota_balance <> coalesce(sum(l.delta), 0);

CREATE INDEX alerts_kind_subject ON alerts (kind, subject, id);
