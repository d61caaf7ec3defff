-- Sign-up (seed 004 flow 1): every sign-up and resend-verification request, kept for a day. It throttles repeated
-- requests per e-mail address and per client address (429 + Retry-After). The e-mail is stored lower-cased and is
-- personal data, which is why rows older than a day are deleted as new ones arrive.
CREATE TABLE sign_up_attempts (
    id         BIGSERIAL PRIMARY KEY,
    kind       VARCHAR(20)  NOT NULL CHECK (kind IN ('SIGN_UP', 'RESEND')),
    email      VARCHAR(320) NOT NULL,
    client_ip  VARCHAR(64)  NOT NULL,
    at         TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX sign_up_attempts_by_email ON sign_up_attempts (email, at);
CREATE INDEX sign_up_attempts_by_address ON sign_up_attempts (client_ip, at);
CREATE INDEX sign_up_attempts_at ON sign_up_attempts (at);
