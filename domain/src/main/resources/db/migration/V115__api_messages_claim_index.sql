-- Issue 10 (POST /api/v1/send throughput): the indexes api_messages keeps per message.
--
-- A send activity asks "did an earlier attempt of my claim take messages?" (ApiMessages.hasClaim) whatever state
-- those messages reached since; the claim index covered only SENDING rows, so that question scanned the whole table
-- once per send activity, and the table only grows. The index now covers every claimed row; the SENDING-only
-- queries of a claim (unattempted, interrupted) use it as well (claim_token = x implies claim_token IS NOT NULL).
DROP INDEX api_messages_claim;
CREATE INDEX api_messages_claim ON api_messages (claim_token) WHERE claim_token IS NOT NULL;

-- Nothing reads api_messages by request_id (a request's messages are answered in its 202 and read one by one by
-- public id), yet every row version paid an entry in it: an insert and three non-HOT updates per message (status is
-- in partial index predicates, so no update of a message is HOT).
DROP INDEX api_messages_request;
