-- deliveries_sent_by_service (V40) and deliveries_service_sent (V101) index the same rows on the same columns; a
-- B-tree is read both ways, so the DESC one serves the live-state count of today's sends (a range scan) and the
-- bounce-rate rule's "last N sends" alike. Every SENT update paid for both: keep one.
DROP INDEX IF EXISTS deliveries_sent_by_service;
