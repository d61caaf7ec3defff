-- Users and sign-in (F22): bearer tokens, per-user lockout, per-address throttling.

-- One sign-in session. Only the SHA-256 of the opaque token is stored, so a leaked table signs nobody in.
-- A user may hold several at once (支持多设备同时登录).
CREATE TABLE auth_tokens (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    BYTEA        NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_used_at  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ  NOT NULL,
    revoked_at    TIMESTAMPTZ,
    client_ip     VARCHAR(64)
);
-- revoking all sessions of a user (disable, password reset)
CREATE INDEX auth_tokens_live_of_user ON auth_tokens (user_id) WHERE revoked_at IS NULL;

-- Usernames and e-mails are unique ignoring case: 'Admin' and 'admin' are one person.
CREATE UNIQUE INDEX users_username_ignoring_case ON users (lower(username));
CREATE UNIQUE INDEX users_email_ignoring_case ON users (lower(email)) WHERE email IS NOT NULL;

-- Every failed sign-in, kept for a day. It throttles a client address (N failures in a window answer 429), and
-- it locks a username: 'max-failures' counted failures within the lock duration lock it for that long after the
-- last of them. The same rule holds for a username that does not exist, so no answer tells which usernames exist.
-- A successful sign-in or a password reset stops the earlier failures from counting (counts_for_username = false);
-- attempts refused because the username was locked are recorded uncounted, so they do not prolong the lock.
CREATE TABLE sign_in_failures (
    id                   BIGSERIAL PRIMARY KEY,
    client_ip            VARCHAR(64)  NOT NULL,
    username             VARCHAR(100) NOT NULL,
    counts_for_username  BOOLEAN      NOT NULL,
    at                   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (client_ip, at);
CREATE INDEX sign_in_failures_by_username ON sign_in_failures (lower(username), at) WHERE counts_for_username;
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
