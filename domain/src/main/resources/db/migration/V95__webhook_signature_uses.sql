-- EngageLab's documented webhook signatures cover the timestamp, not the body, so a captured call could be resent
-- with other events while its timestamp is fresh. The api records every accepted signature/timestamp pair with a
-- digest of the body it came with: the same pair with the same body again is a provider retry (harmless, events
-- are idempotent); with another body it is refused. The primary key makes two racing uses of one pair serialize.
-- Rows older than twice the timestamp window can no longer matter and are deleted by the api as it goes.
CREATE TABLE webhook_signature_uses (
    provider    text        NOT NULL,
    signature   text        NOT NULL,
    signed_at   text        NOT NULL,
    body_sha256 bytea       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, signature, signed_at)
);

CREATE INDEX webhook_signature_uses_received_at ON webhook_signature_uses (received_at);
