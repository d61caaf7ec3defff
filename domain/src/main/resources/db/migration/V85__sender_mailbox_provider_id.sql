-- Sending domains and sender mailboxes (issue 10, items 2-3), on top of the V80 contract.

-- DirectMail's own id of a provisioned address (QueryMailAddressByParam's MailAddressId): ModifyMailAddress, which
-- sets the SMTP password, names the address by it, and so would a later removal.
ALTER TABLE sender_mailboxes ADD COLUMN provider_mailbox_id VARCHAR(64);

-- GET /v1/domains/{id}/mailboxes and "does this domain still have mailboxes" on delete.
CREATE INDEX sender_mailboxes_domain ON sender_mailboxes (domain_id, id);
