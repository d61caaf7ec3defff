-- Like V140: each mail sent writes a SEND_SUCCESS row to event_log, and event_log_contact (V50) took an entry for
-- each. Its readers are the data-rights paths in ContactErasure (api), which must see every event of a contact:
--   erase:  (contact_id = ? AND type <> 'SEND_SUCCESS') OR delivery_id = ANY (the contact's deliveries)
--   export: the same, the second arm also AND type = 'SEND_SUCCESS' AND contact_id = ?
-- The first arm uses this index, the second event_log_delivery (delivery_id, type), the contact's deliveries come
-- from deliveries_contact (a BitmapOr of two index scans; before, erasure's OR with an IN (subquery) read all of
-- event_log). A send event needs no entry here: the send path copies contact_id from the delivery it records, and a
-- delivery's contact changes only in erasure (to NULL, after its events), so every send event of a contact is
-- found through that contact's deliveries. API message events carry no contact_id and never entered this index.
DROP INDEX event_log_contact;
CREATE INDEX event_log_contact ON event_log (contact_id) WHERE contact_id IS NOT NULL AND type <> 'SEND_SUCCESS';
