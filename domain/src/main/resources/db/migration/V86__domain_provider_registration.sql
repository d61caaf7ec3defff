-- Sending domains are registered in the platform's Aliyun DirectMail account by their verification workflow
-- (CreateDomain, then DescDomain for DirectMail's own records). Real DirectMail lets an address send only after its
-- own check of the domain passes, so a domain is VERIFIED only when our DNS check and DirectMail's both pass.
--   provider_registration: PENDING (not yet done; the api answers before the workflow ran), DONE (DirectMail's records
--   are stored below), FAILED (DirectMail refused; provider_reason says why), NOT_CONFIGURED (this installation has
--   no DirectMail account: DNS alone decides)
ALTER TABLE sending_domains
    ADD COLUMN provider_registration VARCHAR(20) NOT NULL DEFAULT 'PENDING'
        CHECK (provider_registration IN ('PENDING', 'DONE', 'FAILED', 'NOT_CONFIGURED')),
    ADD COLUMN provider_domain_id    VARCHAR(64),
    ADD COLUMN provider_verified     BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN provider_reason       TEXT;

-- DirectMail's own records (its ownership TXT aliyundm.<domain>, and its SPF include, DKIM key and MX when they differ
-- from ours) are extra rows; provider_status is DirectMail's own verdict on a record (VERIFIED / REFUSED, null while
-- it has not judged), provider_reason a sentence saying what to do about a refusal.
ALTER TABLE domain_dns_records DROP CONSTRAINT domain_dns_records_purpose_check;
ALTER TABLE domain_dns_records ADD CONSTRAINT domain_dns_records_purpose_check CHECK (purpose IN
    ('OWNERSHIP', 'SPF', 'DKIM', 'DMARC', 'MX', 'RETURN_PATH',
     'PROVIDER_OWNERSHIP', 'PROVIDER_SPF', 'PROVIDER_DKIM', 'PROVIDER_MX'));
ALTER TABLE domain_dns_records
    ADD COLUMN provider_status VARCHAR(20) CHECK (provider_status IN ('VERIFIED', 'REFUSED')),
    ADD COLUMN provider_reason TEXT;
