-- Issue 14 (Alerts): an alert is raised once per crossing of its condition and resolved when the condition clears;
-- acknowledging only says "a person has seen it". One open (unresolved) alert per (kind, subject) at a time is what
-- makes "once per crossing" hold however often the rules run or the event-driven writers fire (see domain Alerts).
ALTER TABLE alerts ADD COLUMN severity VARCHAR(10) NOT NULL DEFAULT 'WARNING'
    CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL'));
-- the operator whose task, quota or domain it is about (operator visibility, INV-5); NULL: admins only
ALTER TABLE alerts ADD COLUMN owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- the sender service it is about: operators allowed to use the service see it too
ALTER TABLE alerts ADD COLUMN sender_service_id BIGINT;
ALTER TABLE alerts ADD COLUMN details JSONB NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE alerts ADD COLUMN resolved_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN acknowledged_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- when the admins were e-mailed about the alert being raised, and about it being resolved
ALTER TABLE alerts ADD COLUMN notified_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN resolution_notified_at TIMESTAMPTZ;

-- Before this, writers marked a cleared condition (domain mended, service unfrozen) by acknowledging it: those are
-- resolved. Older duplicates of one (kind, subject) are resolved too, keeping the newest open.
UPDATE alerts SET resolved_at = acknowledged_at
 WHERE acknowledged_at IS NOT NULL AND kind IN ('DOMAIN_DNS_FAILING', 'SENDER_SERVICE_FROZEN');
UPDATE alerts a SET resolved_at = now()
 WHERE resolved_at IS NULL
   AND EXISTS (SELECT 1 FROM alerts b WHERE b.kind = a.kind AND b.subject = a.subject AND b.resolved_at IS NULL
                AND b.id > a.id);
UPDATE alerts SET owner_id = CAST(substring(subject FROM 6) AS BIGINT)
 WHERE kind = 'QUOTA_LOW' AND subject ~ '^user:[0-9]+$';
UPDATE alerts a SET owner_id = d.owner_id
  FROM sending_domains d
 WHERE a.kind = 'DOMAIN_DNS_FAILING' AND a.subject = 'domain-' || d.id;
UPDATE alerts SET sender_service_id = CAST(substring(subject FROM 16) AS BIGINT), severity = 'CRITICAL'
 WHERE kind = 'SENDER_SERVICE_FROZEN' AND subject ~ '^sender-service-[0-9]+$';
-- alerts from before e-mail notification existed are not mailed out now
UPDATE alerts SET notified_at = now(), resolution_notified_at = CASE WHEN resolved_at IS NOT NULL THEN now() END;

UPDATE alerts SET subject = 'alert-' || id WHERE subject IS NULL;
ALTER TABLE alerts ALTER COLUMN subject SET NOT NULL;
CREATE UNIQUE INDEX alerts_one_open_per_subject ON alerts (kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX alerts_owner ON alerts (owner_id, id) WHERE owner_id IS NOT NULL;
CREATE INDEX alerts_sender_service ON alerts (sender_service_id, id) WHERE sender_service_id IS NOT NULL;
CREATE INDEX alerts_to_notify ON alerts (id) WHERE notified_at IS NULL OR resolution_notified_at IS NULL;

-- The bounce-rate rule reads each service's last N sends and their bounces.
CREATE INDEX deliveries_service_sent ON deliveries (sender_service_id, sent_at DESC) WHERE status = 'SENT';
CREATE INDEX event_log_bounced_delivery ON event_log (delivery_id) WHERE type = 'BOUNCE';
