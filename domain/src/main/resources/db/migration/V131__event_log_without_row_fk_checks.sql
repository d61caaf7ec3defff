-- The send path writes one event row per delivery in the statement that records a send group's outcome, and each
-- row ran five foreign-key triggers (delivery, task, campaign, contact, sender service): five index lookups that
-- each lock a parent row FOR KEY SHARE. The task, campaign and service rows are the same for every lane of a
-- send, so concurrent lanes kept turning those locks into multixacts. As V60 did for deliveries, the references are
-- kept by the code that writes and deletes, not by triggers:
--   delivery_id, task_id, campaign_id, contact_id, sender_service_id: copied by the send statement from the
--     delivery row it updates, and by the tracking and webhook paths from a delivery they have just read;
--   campaigns and tasks are deletable only before they start (no deliveries, so no events);
--   contacts go away only through erasure, which nulls event_log.contact_id first (ContactErasure);
--   a sender service that has sent cannot be deleted (the api answers 409 and suggests disabling it);
--   deliveries are never deleted.
-- The API messages' reference (message_id) stays: those rows come one per message, not per campaign send.
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_delivery_id_fkey;
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_task_id_fkey;
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_campaign_id_fkey;
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_contact_id_fkey;
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_sender_service_id_fkey;
