package org.edm.domain.sending;

public enum DnsRecordPurpose {
    OWNERSHIP, SPF, DKIM, DMARC, MX, RETURN_PATH
}
