package org.edm.domain.sending;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * One DNS record a domain's owner publishes: where ({@link #getHost()}), what ({@link #getExpectedValue()}), and what
 * the last check saw there. The expected values are fixed when the domain is added ({@link DnsRecordPlan}); the
 * checks own the observed columns.
 */
@Entity
@Table(name = "domain_dns_records")
public class DomainDnsRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "domain_id", nullable = false, updatable = false)
    private long domainId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private DnsRecordPurpose purpose;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private DnsRecordType type;

    @Column(nullable = false, updatable = false)
    private String host;

    @Column(name = "expected_value", nullable = false, updatable = false)
    private String expectedValue;

    @Column(nullable = false, updatable = false)
    private boolean required;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private DnsRecordStatus status = DnsRecordStatus.PENDING;

    @Column(name = "observed_value", updatable = false)
    private String observedValue;

    @Column(name = "checked_at", updatable = false)
    private Instant checkedAt;

    /** DirectMail's own verdict on this record (VERIFIED / REFUSED), null while it has not judged it. */
    @Column(name = "provider_status", insertable = false, updatable = false)
    private String providerStatus;

    @Column(name = "provider_reason", insertable = false, updatable = false)
    private String providerReason;

    protected DomainDnsRecord() {
    }

    public DomainDnsRecord(long domainId, DnsRecordPlan.Planned planned) {
        this.domainId = domainId;
        this.purpose = planned.purpose();
        this.type = planned.type();
        this.host = planned.host();
        this.expectedValue = planned.expectedValue();
        this.required = planned.required();
    }

    public Long getId() {
        return id;
    }

    public long getDomainId() {
        return domainId;
    }

    public DnsRecordPurpose getPurpose() {
        return purpose;
    }

    public DnsRecordType getType() {
        return type;
    }

    public String getHost() {
        return host;
    }

    public String getExpectedValue() {
        return expectedValue;
    }

    public boolean isRequired() {
        return required;
    }

    public DnsRecordStatus getStatus() {
        return status;
    }

    public String getObservedValue() {
        return observedValue;
    }

    public Instant getCheckedAt() {
        return checkedAt;
    }

    public String getProviderStatus() {
        return providerStatus;
    }

    public String getProviderReason() {
        return providerReason;
    }
}
