-- Contact imports upsert on the address regardless of case (Foo@X.com and foo@x.com are one mailbox for every
-- provider that matters), so the address is unique per owner case-insensitively. The exact-case UNIQUE of V1 stays:
-- it is implied by this one and other code may name it in ON CONFLICT.
CREATE UNIQUE INDEX contacts_owner_lower_email ON contacts (owner_id, lower(email));
