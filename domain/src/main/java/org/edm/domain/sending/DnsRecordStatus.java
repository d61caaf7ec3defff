package org.edm.domain.sending;

/** What the last check saw: MATCHED, MISMATCHED (records at the name, none as expected), MISSING (none at all). */
public enum DnsRecordStatus {
    PENDING, MATCHED, MISMATCHED, MISSING
}
