-- The housekeeping sweep (edm.retention.*): finished webhook deliveries by age, and API messages whose content is
-- still kept by age (a message leaves the index once its content is cleared).
CREATE INDEX webhook_deliveries_finished_created ON webhook_deliveries (created_at) WHERE status <> 'PENDING';
CREATE INDEX api_messages_content_kept ON api_messages (created_at) WHERE html_body <> '';
