-- The message list (GET /api/v1/messages, GET /v1/messages): one owner's messages, newest first.
CREATE INDEX api_messages_owner_created ON api_messages (owner_id, created_at DESC, id DESC);
