package org.edm.domain.sending;

public enum DnsRecordPurpose {
    OWNERSHIP, SPF, DKIM, DMARC, MX, RETURN_PATH,
    /** DirectMail's own records (its ownership TXT {@code aliyundm.<domain>}, and its SPF, DKIM, MX where they
     * differ from ours), read from its DescDomain by the verification workflow. */
    PROVIDER_OWNERSHIP, PROVIDER_SPF, PROVIDER_DKIM, PROVIDER_MX;

    /** The purpose whose matching rule applies (DirectMail's records match like ours of the same kind). */
    public DnsRecordPurpose matchedAs() {
        return switch (this) {
            case PROVIDER_OWNERSHIP -> OWNERSHIP;
            case PROVIDER_SPF -> SPF;
            case PROVIDER_DKIM -> DKIM;
            case PROVIDER_MX -> MX;
            default -> this;
        };
    }
}
