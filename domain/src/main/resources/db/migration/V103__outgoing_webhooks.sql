-- Outgoing webhooks (issue 14): operators' endpoints and the outbox/delivery log the worker delivers from.

CREATE TABLE webhook_endpoints (
    id                BIGSERIAL PRIMARY KEY,
    owner_id          BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url               TEXT        NOT NULL,
    description       VARCHAR(200),
    -- wire names, e.g. message.opened; an event is queued only for endpoints that list its type
    event_types       TEXT[]      NOT NULL,
    enabled           BOOLEAN     NOT NULL DEFAULT true,
    -- the whsec_ signing secret, sealed with SecretBox (INV-6): shown once, never returned again
    secret_ciphertext BYTEA       NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_owner ON webhook_endpoints (owner_id);

-- One row per (event, endpoint), written in the transaction of the fact itself, so no event is lost; the
-- endpoint's workflow delivers PENDING rows in id order. body is the exact JSON sent (the same bytes on every retry).
CREATE TABLE webhook_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    endpoint_id      BIGINT      NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- the webhook-id header: the same on retries and on a manual replay, so receivers can deduplicate
    message_id       VARCHAR(64) NOT NULL,
    event_type       VARCHAR(64) NOT NULL,
    body             TEXT        NOT NULL,
    status           VARCHAR(16) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         INT         NOT NULL DEFAULT 0,
    last_status_code INT,
    last_error       VARCHAR(500),
    last_attempt_at  TIMESTAMPTZ,
    next_attempt_at  TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    replay_of        BIGINT      REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC);
