-- Issue 10 items 5-6 (seed 004 flow 2): transactional messages sent through POST /api/v1/send.

-- One row per recipient: each recipient gets its own tracking token, its own at-most-once state and its own quota
-- unit, exactly like a delivery of a task (a message is a delivery without a task, DESIGN.md §9). The rows of one
-- request share request_id. public_id is what the API shows ("msg_..."); id stays internal.
--
-- Status: QUEUED -> SENDING (claimed by a send activity) -> SENT | FAILED | UNKNOWN. attempted_at is committed
-- (together with the quota debit) before the provider call and the outcome after it, so a send interrupted in
-- between is found attempted without an outcome and becomes UNKNOWN instead of being sent again (INV-3).
-- A send that certainly did not leave (SMTP server unreachable) goes back to QUEUED with not_before set, and its
-- unit is refunded; after max attempts it ends FAILED, uncharged.
CREATE TABLE api_messages (
    id                   BIGSERIAL PRIMARY KEY,
    public_id            VARCHAR(40)  NOT NULL UNIQUE,
    request_id           VARCHAR(40)  NOT NULL,
    owner_id             BIGINT       NOT NULL REFERENCES users (id),
    api_key_id           BIGINT       REFERENCES api_keys (id) ON DELETE SET NULL,
    -- the sender mailbox (domains feature); a mailbox removed later leaves its queued messages to fail, not to block
    mailbox_id           BIGINT       REFERENCES sender_mailboxes (id) ON DELETE SET NULL,
    campaign_id          BIGINT       REFERENCES campaigns (id) ON DELETE SET NULL,
    from_address         VARCHAR(320) NOT NULL,
    to_address           VARCHAR(320) NOT NULL,
    subject              VARCHAR(998) NOT NULL,
    html_body            TEXT         NOT NULL,
    text_body            TEXT,
    headers              JSONB        NOT NULL DEFAULT '{}'::jsonb,
    tags                 TEXT[]       NOT NULL DEFAULT '{}',
    -- unguessable id used by tracking links and the Message-ID, like deliveries.token
    token                VARCHAR(64)  NOT NULL UNIQUE,
    status               VARCHAR(10)  NOT NULL DEFAULT 'QUEUED'
                         CHECK (status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED', 'UNKNOWN')),
    claim_token          VARCHAR(200),
    claimed_at           TIMESTAMPTZ,
    attempts             INT          NOT NULL DEFAULT 0,
    not_before           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    attempted_at         TIMESTAMPTZ,
    sent_at              TIMESTAMPTZ,
    message_id           VARCHAR(255),
    provider_message_id  VARCHAR(255),
    charged              BOOLEAN      NOT NULL DEFAULT FALSE,
    error                TEXT,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
);
-- the send activity's claim: the oldest queued messages that are due
CREATE INDEX api_messages_queued ON api_messages (not_before, id) WHERE status = 'QUEUED';
CREATE INDEX api_messages_claim ON api_messages (claim_token) WHERE status = 'SENDING';
CREATE INDEX api_messages_request ON api_messages (request_id);
CREATE INDEX api_messages_campaign ON api_messages (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX api_messages_provider_message ON api_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Idempotency-Key (kept 24 h): the first answer to a request, replayed for a repeat with the same body; a repeat
-- with another body is refused (422). Written in the same transaction as the messages it answers.
CREATE TABLE api_idempotency_keys (
    user_id        BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key            VARCHAR(255) NOT NULL,
    request_hash   BYTEA        NOT NULL,
    response       JSONB        NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX api_idempotency_keys_created ON api_idempotency_keys (created_at);

-- Opens, clicks, bounces and provider events of API messages go to the same event log as deliveries'.
ALTER TABLE event_log ADD COLUMN message_id BIGINT REFERENCES api_messages (id) ON DELETE SET NULL;
CREATE INDEX event_log_message ON event_log (message_id, type) WHERE message_id IS NOT NULL;
-- the campaign report counts API messages' events by campaign
CREATE INDEX event_log_campaign_message ON event_log (campaign_id) WHERE message_id IS NOT NULL;

-- api_keys.last_used_at is touched at most once a minute; a key is looked up by hash on every API call.
CREATE INDEX api_keys_live_of_user ON api_keys (user_id) WHERE revoked_at IS NULL;
