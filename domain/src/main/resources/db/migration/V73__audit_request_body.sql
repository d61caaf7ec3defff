-- The audit trail records what the person asked for next to the before/after pictures: a pause's reason, a quota
-- adjustment's note. Secrets are masked before they get here (api AuditTrail).
ALTER TABLE audit_log ADD COLUMN request JSONB;
CREATE INDEX audit_log_actor_at ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_at ON audit_log (at DESC);
