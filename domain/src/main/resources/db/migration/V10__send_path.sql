-- Send path (activities): what recording outcomes and freezing services need.

-- When the current run of consecutive failures began, for services that freeze on "N failures within M minutes"
-- (failure_window_minutes set) rather than on N consecutive failures alone.
ALTER TABLE sender_services ADD COLUMN failure_streak_started_at TIMESTAMPTZ;

-- A send batch writes each delivery's SEND_SUCCESS / SEND_FAIL event once, checked per delivery.
CREATE INDEX event_log_delivery ON event_log (delivery_id, type);
