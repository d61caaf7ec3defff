-- Issue 10 / seed 004: the developer gateway. This migration is the shared contract of its parts (sign-up, API keys,
-- sending domains, sender mailboxes, campaign public ids); each part adds what only it needs in its own migration
-- (V81-V84 sign-up and keys, V85-V89 domains and mailboxes, V90-V94 API messages).

-- Sign-up (flow 1): a self-registered user is PENDING_VERIFICATION until the link in the verification e-mail is
-- followed; such a user can neither sign in nor send. Users created by an admin are ACTIVE at once.
ALTER TABLE users ADD COLUMN status VARCHAR(30) NOT NULL DEFAULT 'ACTIVE'
    CHECK (status IN ('PENDING_VERIFICATION', 'ACTIVE'));
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN signed_up_at TIMESTAMPTZ;

-- API keys (step 12). The secret is shown once; only its SHA-256 is stored. `prefix` is the recognisable start of the
-- secret (e.g. "edm_live_3fa9c2"), kept so a list can tell keys apart without holding anything usable.
CREATE TABLE api_keys (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          VARCHAR(100) NOT NULL,
    prefix        VARCHAR(32)  NOT NULL,
    key_hash      BYTEA        NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_keys_of_user ON api_keys (user_id, id);

-- Sending domains (steps 4-8). One DKIM key pair per domain; the private key is sealed by SecretBox like other
-- secrets (INV-6). DomainVerificationWorkflow domain-{id} moves PENDING -> VERIFIED (every required record matches)
-- or EXPIRED (gave up after 72 h); a VERIFIED domain whose records break becomes FAILING, and VERIFIED again when
-- they are mended.
CREATE TABLE sending_domains (
    id                       BIGSERIAL PRIMARY KEY,
    owner_id                 BIGINT       NOT NULL REFERENCES users (id),
    name                     VARCHAR(253) NOT NULL,
    status                   VARCHAR(20)  NOT NULL DEFAULT 'PENDING'
                             CHECK (status IN ('PENDING', 'VERIFIED', 'FAILING', 'EXPIRED')),
    verification_token       VARCHAR(100) NOT NULL,
    dkim_selector            VARCHAR(63)  NOT NULL,
    dkim_public_key          TEXT         NOT NULL,
    dkim_private_ciphertext  BYTEA        NOT NULL,
    dkim_key_version         INT,
    verified_at              TIMESTAMPTZ,
    last_checked_at          TIMESTAMPTZ,
    created_at               TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at               TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sending_domains_owner_name ON sending_domains (owner_id, lower(name));

-- The records a domain's owner publishes, each with its expected value and what the last check saw.
CREATE TABLE domain_dns_records (
    id              BIGSERIAL PRIMARY KEY,
    domain_id       BIGINT       NOT NULL REFERENCES sending_domains (id) ON DELETE CASCADE,
    purpose         VARCHAR(20)  NOT NULL CHECK (purpose IN ('OWNERSHIP', 'SPF', 'DKIM', 'DMARC', 'MX', 'RETURN_PATH')),
    type            VARCHAR(10)  NOT NULL CHECK (type IN ('TXT', 'MX', 'CNAME')),
    host            VARCHAR(255) NOT NULL,
    expected_value  TEXT         NOT NULL,
    required        BOOLEAN      NOT NULL DEFAULT TRUE,
    status          VARCHAR(20)  NOT NULL DEFAULT 'PENDING'
                    CHECK (status IN ('PENDING', 'MATCHED', 'MISMATCHED', 'MISSING')),
    observed_value  TEXT,
    checked_at      TIMESTAMPTZ,
    UNIQUE (domain_id, purpose)
);

-- Sender mailboxes (steps 9-11): local_part@domain provisioned at Aliyun DirectMail with the platform's account.
-- PROVISIONING -> NORMAL, or FAILED with a reason a person can act on. SMTP credentials are sealed (INV-6) and are
-- never returned, logged or put in a workflow payload.
CREATE TABLE sender_mailboxes (
    id                  BIGSERIAL PRIMARY KEY,
    owner_id            BIGINT       NOT NULL REFERENCES users (id),
    domain_id           BIGINT       NOT NULL REFERENCES sending_domains (id),
    local_part          VARCHAR(64)  NOT NULL,
    address             VARCHAR(320) NOT NULL,
    status              VARCHAR(20)  NOT NULL DEFAULT 'PROVISIONING'
                        CHECK (status IN ('PROVISIONING', 'NORMAL', 'FAILED', 'DISABLED')),
    failure_reason      TEXT,
    smtp_username       VARCHAR(320),
    secret_ciphertext   BYTEA,
    secret_key_version  INT,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sender_mailboxes_address ON sender_mailboxes (lower(address));
CREATE INDEX sender_mailboxes_owner ON sender_mailboxes (owner_id, id);

-- Campaign ids (flow 3): an immutable public id per campaign, unique per owner. Operators' campaigns get a generated
-- "camp_..." id; an API send naming an unknown campaign_id creates a campaign whose public id and name are that
-- value (origin API). API campaigns have no schedule of their own, hence start_time may be empty.
ALTER TABLE campaigns ADD COLUMN public_id VARCHAR(64) NOT NULL
    DEFAULT ('camp_' || substr(md5(random()::text || clock_timestamp()::text), 1, 12));
ALTER TABLE campaigns ADD COLUMN origin VARCHAR(10) NOT NULL DEFAULT 'OPERATOR' CHECK (origin IN ('OPERATOR', 'API'));
ALTER TABLE campaigns ALTER COLUMN start_time DROP NOT NULL;
CREATE UNIQUE INDEX campaigns_owner_public_id ON campaigns (owner_id, public_id);
