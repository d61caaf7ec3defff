-- Issue 12: a campaign delivery turned SENT no longer gets a SEND_SUCCESS row in event_log (a heap row and its index
-- entries per mail, in the send lanes' statement). The delivery row holds what that event held. What needed the
-- event's indexes ("sent by this service since", "the service's last N sends", "sends of this task", "the delivery
-- with this provider message id") is read through the batch instead: every SENT delivery has a claim token, and a
-- claim is one batch of one task through one service (org.edm.domain.task.SendBatches).

-- 1. One row per claim, written by the claim's transaction and closed with the batch's final count (which the
--    batch makes anyway); an open batch (in flight, or its last attempt died) is read live through deliveries_claim.
CREATE TABLE send_batches (
    claim_token        VARCHAR(200) PRIMARY KEY,
    sender_service_id  BIGINT,
    task_id            BIGINT       NOT NULL,
    claimed_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- set when the batch's attempt ended (NULL: open); sent/first/last are its SENT deliveries then
    closed_at          TIMESTAMPTZ,
    sent               INTEGER,
    first_sent_at      TIMESTAMPTZ,
    last_sent_at       TIMESTAMPTZ
);
CREATE INDEX send_batches_service_last_sent ON send_batches (sender_service_id, last_sent_at DESC)
    WHERE closed_at IS NOT NULL AND last_sent_at IS NOT NULL;
CREATE INDEX send_batches_open ON send_batches (sender_service_id) WHERE closed_at IS NULL;
CREATE INDEX send_batches_task ON send_batches (task_id);

-- deliveries sent before claim tokens existed carry the no-claim marker; they get a batch of their own per task and
-- service (a token with slashes, like the real ones, which nothing will ever claim with)
UPDATE deliveries SET claim_token = 'V155/' || task_id || '/' || coalesce(sender_service_id, 0)
 WHERE status = 'SENT' AND (claim_token IS NULL OR claim_token NOT LIKE '%/%');

INSERT INTO send_batches (claim_token, sender_service_id, task_id, claimed_at, closed_at, sent, first_sent_at,
                          last_sent_at)
SELECT claim_token, min(sender_service_id), min(task_id), min(updated_at), now(),
       count(*) FILTER (WHERE status = 'SENT'),
       min(sent_at) FILTER (WHERE status = 'SENT'), max(sent_at) FILTER (WHERE status = 'SENT')
  FROM deliveries
 WHERE claim_token LIKE '%/%'
 GROUP BY claim_token;

-- 2. A provider's webhooks (ALIYUN_DM, ENGAGELAB) name the message by the id the provider gave it. Written when a
--    batch of such a service closes; SMTP services write none (no provider webhooks: their bounces and replies come
--    through the mailbox, by tracking token, Message-ID or address).
CREATE TABLE provider_messages (
    delivery_id          BIGINT       PRIMARY KEY,
    provider_message_id  VARCHAR(255) NOT NULL
);
CREATE INDEX provider_messages_provider_message_id ON provider_messages (provider_message_id);
INSERT INTO provider_messages (delivery_id, provider_message_id)
SELECT d.id, d.provider_message_id
  FROM deliveries d JOIN sender_services s ON s.id = d.sender_service_id
 WHERE d.status = 'SENT' AND d.provider_message_id IS NOT NULL AND s.provider <> 'SMTP';

-- 3. "The latest delivery sent to this address" starts from the address: its contacts (any owner), then
--    deliveries_contact.
CREATE INDEX contacts_lower_email ON contacts (lower(email));

-- 4. The campaign send events go: no reader counts them any more, and keeping them would leave readers to tell old
--    sends from new ones. API messages' send events (message_id, no delivery_id) stay.
DROP INDEX event_log_service_sent;
DROP INDEX event_log_provider_message;
DELETE FROM event_log WHERE type = 'SEND_SUCCESS' AND delivery_id IS NOT NULL;
ALTER TABLE event_log DROP COLUMN provider_message_id;
