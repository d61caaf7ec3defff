package org.edm.domain.sending;

public enum DnsRecordType {
    TXT, MX, CNAME
}
