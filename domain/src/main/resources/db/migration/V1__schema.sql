-- EDM Orchestrator schema, designed for the whole of seed 003 (plus the ledger, audit and compliance tables
-- DESIGN.md asks for) so later features extend it instead of rewriting it.
-- Naming: the seeds' task_contacts (子任务) is `deliveries` here, one concept, one name.

CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    username        VARCHAR(100) NOT NULL UNIQUE,
    email           VARCHAR(320),
    password_hash   VARCHAR(255),
    role            VARCHAR(20)  NOT NULL DEFAULT 'OPERATOR' CHECK (role IN ('ADMIN', 'OPERATOR')),
    enabled         BOOLEAN      NOT NULL DEFAULT TRUE,
    quota_balance   BIGINT       NOT NULL DEFAULT 0 CHECK (quota_balance >= 0),
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Every change of a user's quota is a row here; users.quota_balance always equals the sum of delta (INV-1).
CREATE TABLE user_quota_ledger (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT       NOT NULL REFERENCES users (id),
    delta          BIGINT       NOT NULL,
    reason         VARCHAR(40)  NOT NULL,
    reference      VARCHAR(100),
    balance_after  BIGINT       NOT NULL CHECK (balance_after >= 0),
    actor_id       BIGINT       REFERENCES users (id),
    note           TEXT,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX user_quota_ledger_user ON user_quota_ledger (user_id, id);

CREATE TABLE sender_services (
    id                      BIGSERIAL PRIMARY KEY,
    name                    VARCHAR(255) NOT NULL,
    provider                VARCHAR(20)  NOT NULL CHECK (provider IN ('SMTP', 'ALIYUN_DM', 'ENGAGELAB')),
    domain                  VARCHAR(255) NOT NULL,
    -- non-secret connection settings (host, port, tls, region, account name ...)
    settings                JSONB        NOT NULL DEFAULT '{}'::jsonb,
    -- secrets (password, AccessKey secret, api_key): AES-GCM ciphertext, never returned, never logged (INV-6)
    secret_ciphertext       BYTEA,
    secret_key_version      INT,
    daily_quota             INT          NOT NULL CHECK (daily_quota >= 0),
    used_today              INT          NOT NULL DEFAULT 0 CHECK (used_today >= 0),
    -- the quota day (in the service's own zone, counted from reset_time) that used_today belongs to
    quota_day               DATE,
    reset_time              TIME         NOT NULL DEFAULT '00:00',
    time_zone               VARCHAR(64)  NOT NULL DEFAULT 'Asia/Shanghai',
    throttle_seconds        NUMERIC(10, 3) NOT NULL DEFAULT 0 CHECK (throttle_seconds >= 0),
    failure_threshold       INT          NOT NULL DEFAULT 10 CHECK (failure_threshold > 0),
    failure_window_minutes  INT          CHECK (failure_window_minutes > 0),
    health_status           VARCHAR(10)  NOT NULL DEFAULT 'ACTIVE' CHECK (health_status IN ('ACTIVE', 'FROZEN')),
    frozen_reason           TEXT,
    frozen_at               TIMESTAMPTZ,
    consecutive_failures    INT          NOT NULL DEFAULT 0,
    last_error              TEXT,
    last_error_at           TIMESTAMPTZ,
    enabled                 BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT used_within_quota CHECK (used_today <= daily_quota OR quota_day IS NULL)
);

CREATE TABLE user_sender_service_access (
    id                 BIGSERIAL PRIMARY KEY,
    user_id            BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender_service_id  BIGINT      NOT NULL REFERENCES sender_services (id) ON DELETE CASCADE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, sender_service_id)
);

-- The local part of From that a user owns (F14); globally unique.
CREATE TABLE sender_names (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT       NOT NULL REFERENCES users (id),
    local_part  VARCHAR(64)  NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT       NOT NULL REFERENCES users (id),
    email       VARCHAR(320) NOT NULL,
    nickname    VARCHAR(255),
    tags        TEXT[]       NOT NULL DEFAULT '{}',
    attributes  JSONB        NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (owner_id, email)
);
CREATE INDEX contacts_tags ON contacts USING GIN (tags);

-- Addresses never to be mailed again by this owner: unsubscribed, hard-bounced, erased (INV-7).
-- Erased addresses keep only a SHA-256 of the lower-cased address.
CREATE TABLE suppressions (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT       NOT NULL REFERENCES users (id),
    email_hash  BYTEA        NOT NULL,
    reason      VARCHAR(20)  NOT NULL CHECK (reason IN ('UNSUBSCRIBED', 'BOUNCED', 'ERASED', 'MANUAL')),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (owner_id, email_hash)
);

CREATE TABLE templates (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT        NOT NULL REFERENCES users (id),
    name        VARCHAR(255)  NOT NULL,
    subject     VARCHAR(500)  NOT NULL,
    body_html   TEXT          NOT NULL,
    created_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);

CREATE TABLE template_sets (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT       NOT NULL REFERENCES users (id),
    name        VARCHAR(255) NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE template_set_items (
    id               BIGSERIAL PRIMARY KEY,
    template_set_id  BIGINT      NOT NULL REFERENCES template_sets (id) ON DELETE CASCADE,
    template_id      BIGINT      NOT NULL REFERENCES templates (id),
    position         INT         NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (template_set_id, template_id)
);
CREATE INDEX template_set_items_order ON template_set_items (template_set_id, position);

CREATE TABLE email_variables (
    id              BIGSERIAL PRIMARY KEY,
    variable_key    VARCHAR(100) NOT NULL UNIQUE,
    display_name    VARCHAR(255) NOT NULL,
    source_type     VARCHAR(20)  NOT NULL CHECK (source_type IN ('CONTACT_FIELD', 'CONTACT_TAG', 'SYSTEM')),
    source_details  JSONB,
    description     TEXT,
    created_by      BIGINT       REFERENCES users (id),
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
    id             BIGSERIAL PRIMARY KEY,
    owner_id       BIGINT       NOT NULL REFERENCES users (id),
    name           VARCHAR(255) NOT NULL,
    start_time     TIMESTAMPTZ  NOT NULL,
    interval_days  INT          NOT NULL DEFAULT 0 CHECK (interval_days >= 0),
    status         VARCHAR(20)  NOT NULL DEFAULT 'DRAFT'
                   CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED')),
    activated_at   TIMESTAMPTZ,
    completed_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_owner ON campaigns (owner_id, id);

CREATE TABLE tasks (
    id                 BIGSERIAL PRIMARY KEY,
    campaign_id        BIGINT       NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    owner_id           BIGINT       NOT NULL REFERENCES users (id),
    seq                INT          NOT NULL,
    name               VARCHAR(255) NOT NULL,
    plan_time          TIMESTAMPTZ  NOT NULL,
    status             VARCHAR(20)  NOT NULL DEFAULT 'DRAFT'
                       CHECK (status IN ('DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED', 'FINISHED', 'FAILED', 'CANCELLED')),
    pause_reason       TEXT,
    recipient_rule     JSONB        NOT NULL DEFAULT '{}'::jsonb,
    template_set_id    BIGINT       NOT NULL REFERENCES template_sets (id),
    sender_name        VARCHAR(64)  NOT NULL,
    audience_size      INT,
    actual_start_time  TIMESTAMPTZ,
    actual_end_time    TIMESTAMPTZ,
    summary_stats      JSONB,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, seq)
);
CREATE INDEX tasks_campaign ON tasks (campaign_id, plan_time);

-- Every state change of a task with time and reason (F15 execution log).
CREATE TABLE task_execution_log (
    id           BIGSERIAL PRIMARY KEY,
    task_id      BIGINT      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    from_status  VARCHAR(20),
    to_status    VARCHAR(20) NOT NULL,
    reason       TEXT,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX task_execution_log_task ON task_execution_log (task_id, id);

-- One row per (task, contact): the seeds' task_contacts / 子任务.
CREATE TABLE deliveries (
    id                   BIGSERIAL PRIMARY KEY,
    task_id              BIGINT       NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    contact_id           BIGINT       REFERENCES contacts (id) ON DELETE SET NULL,
    template_id          BIGINT       REFERENCES templates (id),
    status               VARCHAR(12)  NOT NULL DEFAULT 'PENDING'
                         CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'UNKNOWN', 'CANCELLED', 'SKIPPED')),
    -- unguessable id used by tracking links and Message-ID
    token                VARCHAR(64)  NOT NULL UNIQUE,
    sender_service_id    BIGINT       REFERENCES sender_services (id),
    -- which claim (one send activity) owns a SENDING delivery; attempted_at marks that the provider was called
    claim_token          VARCHAR(200),
    attempted_at         TIMESTAMPTZ,
    sent_at              TIMESTAMPTZ,
    message_id           VARCHAR(255),
    provider_message_id  VARCHAR(255),
    error                TEXT,
    skip_reason          VARCHAR(40),
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (task_id, contact_id)
);
CREATE INDEX deliveries_pending ON deliveries (task_id, id) WHERE status = 'PENDING';
CREATE INDEX deliveries_claim ON deliveries (claim_token) WHERE status = 'SENDING';
CREATE INDEX deliveries_task_status ON deliveries (task_id, status);
CREATE INDEX deliveries_provider_message ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL;

CREATE TABLE event_log (
    id                  BIGSERIAL PRIMARY KEY,
    delivery_id         BIGINT       REFERENCES deliveries (id) ON DELETE SET NULL,
    task_id             BIGINT       REFERENCES tasks (id) ON DELETE CASCADE,
    campaign_id         BIGINT       REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id          BIGINT       REFERENCES contacts (id) ON DELETE SET NULL,
    sender_service_id   BIGINT       REFERENCES sender_services (id),
    type                VARCHAR(20)  NOT NULL CHECK (type IN ('SEND_TRY', 'SEND_SUCCESS', 'SEND_FAIL', 'DELIVERED',
                                                              'OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE', 'BOUNCE')),
    machine             BOOLEAN      NOT NULL DEFAULT FALSE,
    occurred_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    user_agent          TEXT,
    ip_prefix           VARCHAR(64),
    -- provider event id (webhooks), so a replayed webhook is stored once
    external_id         VARCHAR(255) UNIQUE,
    details             JSONB
);
CREATE INDEX event_log_task_type ON event_log (task_id, type);
CREATE INDEX event_log_campaign_contact ON event_log (campaign_id, contact_id);

-- Per-(campaign, contact) engagement facts; the system labels of seed 000 are derived from these.
CREATE TABLE campaign_contact_labels (
    campaign_id      BIGINT      NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id       BIGINT      NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    sent_at          TIMESTAMPTZ,
    opened_at        TIMESTAMPTZ,
    clicked_at       TIMESTAMPTZ,
    replied_at       TIMESTAMPTZ,
    unsubscribed_at  TIMESTAMPTZ,
    bounced_at       TIMESTAMPTZ,
    PRIMARY KEY (campaign_id, contact_id)
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    actor_id    BIGINT       REFERENCES users (id),
    action      VARCHAR(40)  NOT NULL,
    entity      VARCHAR(60)  NOT NULL,
    entity_id   VARCHAR(60),
    before      JSONB,
    after       JSONB,
    client_ip   VARCHAR(64),
    at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Alerts raised by the system (service frozen, quota low, ...), read by admins.
CREATE TABLE alerts (
    id          BIGSERIAL PRIMARY KEY,
    kind        VARCHAR(40)  NOT NULL,
    subject     VARCHAR(100),
    message     TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    acknowledged_at TIMESTAMPTZ
);

-- Until sign-in arrives, every REST call acts as this built-in operator.
INSERT INTO users (username, role, quota_balance) VALUES ('admin', 'ADMIN', 0);
