-- Every SENT delivery writes one SEND_SUCCESS row to event_log in the send lanes' group statement
-- (DeliveryClaims.recordSentAndMarkAttempted), so each index of event_log costs one entry per mail sent: with the
-- delivery's SENT version it is most of PostgreSQL's time per mail (issue 12). Two of those indexes serve no reader
-- of SEND_SUCCESS rows. The readers of event_log and the index each one uses afterwards (EXPLAIN on 1,000,000 send
-- events and 200,000 engagement events):
--   Reports (task report, timeline; api): task_id IN (...) AND type IN ('OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE',
--     'BOUNCE') -> event_log_task_type below (the listed types prove its predicate);
--   AlertRules low open rate (domain): task_id = ? AND type = 'OPEN' -> event_log_task_type below;
--   AlertRules bounce rate: delivery_id = ? AND type = 'BOUNCE' -> event_log_bounced_delivery (V101), unchanged;
--   DeliveryClaims.recordSendEvents: delivery_id = ? AND type IN ('SEND_SUCCESS', 'SEND_FAIL')
--     -> event_log_delivery (delivery_id, type), unchanged (it must see send events);
--   ContactErasure export (api): contact_id = ? -> event_log_contact, unchanged (it must see every event of the
--     contact); erase: contact_id = ? OR delivery_id IN (subquery) -> a full scan of event_log, as before (the OR
--     with a subquery cannot use an index; not this migration's concern);
--   Reports and timeline for API messages, MessageReads, ApiMessages: message_id / campaign_id with message_id IS
--     NOT NULL -> event_log_message and event_log_campaign_message (V90), unchanged (campaign sends have no
--     message_id, so they never enter those);
--   EngagementEvents.record: ON CONFLICT (external_id) -> the unique constraint, unchanged.
-- So:
--   event_log_campaign_contact (campaign_id, contact_id) has no reader at all (campaign labels are kept in
--     campaign_contact_labels, erasure and export go by contact_id alone): dropped;
--   event_log_task_type keeps every type but SEND_SUCCESS, for the readers above that name engagement types (and
--     SEND_FAIL, DELIVERED, SEND_TRY rows, which are few, for any later reader by task and type).
-- Two index entries less per mail sent. Built without CONCURRENTLY like the migrations before it: on a large
-- event_log, run this in a quiet hour (it blocks writes to event_log while the index is built).
DROP INDEX event_log_campaign_contact;
DROP INDEX event_log_task_type;
CREATE INDEX event_log_task_type ON event_log (task_id, type) WHERE type <> 'SEND_SUCCESS';
