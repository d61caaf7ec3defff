-- Issue 12: a send event no longer enters the external_id index. external_id is the provider's event id of a webhook
-- (so a replayed webhook is stored once, EngagementEvents.record's ON CONFLICT); the send path's events, opens and
-- clicks have none, yet the column's UNIQUE constraint indexed every row's NULL: one index entry per mail sent for
-- nothing. The same uniqueness over the ids that exist, as a partial unique index (ON CONFLICT names its predicate).
CREATE UNIQUE INDEX event_log_external_id ON event_log (external_id) WHERE external_id IS NOT NULL;
ALTER TABLE event_log DROP CONSTRAINT IF EXISTS event_log_external_id_key;
