-- Tracking and data rights (issue 6).

-- GDPR erase and export find a contact's deliveries and events by contact alone.
CREATE INDEX deliveries_contact ON deliveries (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX event_log_contact ON event_log (contact_id) WHERE contact_id IS NOT NULL;
