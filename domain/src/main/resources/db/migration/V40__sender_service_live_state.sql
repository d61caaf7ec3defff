-- Sender-service live state (admin view): sends of the current quota day are counted per service.
CREATE INDEX deliveries_sent_by_service ON deliveries (sender_service_id, sent_at) WHERE status = 'SENT';
