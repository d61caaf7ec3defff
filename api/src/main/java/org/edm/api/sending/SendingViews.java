package org.edm.api.sending;

import jakarta.annotation.Nullable;
import org.edm.domain.sending.DomainDnsRecord;
import org.edm.domain.sending.SenderMailbox;
import org.edm.domain.sending.SendingDomain;
import org.edm.workflows.WorkflowIds;

import java.time.Instant;
import java.util.List;

/** What the api shows of domains and mailboxes: never the DKIM private key or an SMTP password (INV-6). */
final class SendingViews {

    private SendingViews() {
    }

    /**
     * @param records              what to publish, each with what the last check saw there
     * @param workflowId           the Temporal workflow that checks the records ({@code domain-{id}})
     * @param providerRegistration the domain's registration at Aliyun DirectMail: PENDING (not done yet: DirectMail's
     *                             own records are not in {@code records} yet), DONE (they are), FAILED (DirectMail
     *                             refused: see {@code provider_reason}), NOT_CONFIGURED (no DirectMail account here)
     * @param providerReason       why DirectMail refused the domain or does not count it verified yet
     */
    record DomainView(long id, String name, String status, @Nullable String dkimSelector, @Nullable Instant verifiedAt,
                      @Nullable Instant lastCheckedAt, Instant createdAt, @Nullable String workflowId,
                      @Nullable String providerRegistration,
                      @Nullable String providerReason, List<RecordView> records) {

        static DomainView of(SendingDomain d, List<DomainDnsRecord> records) {
            return new DomainView(d.getId(), d.getName(), d.getStatus().name(), d.getDkimSelector(),
                    d.getVerifiedAt(), d.getLastCheckedAt(), d.getCreatedAt(), WorkflowIds.sendingDomain(d.getId()),
                    // a domain just added was not read back: its registration has not started
                    d.getProviderRegistration() == null ? "PENDING" : d.getProviderRegistration(),
                    d.getProviderReason(), records.stream().map(RecordView::of).toList());
        }
    }

    /**
     * @param purpose        OWNERSHIP, SPF, DKIM, DMARC, MX; DirectMail's own records PROVIDER_OWNERSHIP,
     *                       PROVIDER_SPF, PROVIDER_DKIM, PROVIDER_MX
     * @param status         PENDING (not checked yet), MATCHED, MISMATCHED (records there, none as expected) or MISSING
     * @param observedValue  what the last check found at the name: the matching value, else all values seen
     * @param providerStatus DirectMail's own verdict on the record: VERIFIED, REFUSED, or null (not judged by it)
     * @param providerReason what to do about a REFUSED record
     */
    record RecordView(String purpose, String type, String host, String expectedValue, boolean required,
                      @Nullable String status, @Nullable String observedValue, @Nullable Instant checkedAt,
                      @Nullable String providerStatus,
                      @Nullable String providerReason) {

        static RecordView of(DomainDnsRecord r) {
            return new RecordView(r.getPurpose().name(), r.getType().name(), r.getHost(), r.getExpectedValue(),
                    r.isRequired(), r.getStatus().name(), r.getObservedValue(), r.getCheckedAt(),
                    r.getProviderStatus(), r.getProviderReason());
        }
    }

    /**
     * @param status             PROVISIONING, NORMAL (ready: use {@code address} as {@code from} of API sends),
     *                           FAILED (see {@code failure_reason}) or DISABLED
     * @param hasSmtpCredentials whether sealed SMTP credentials are stored (they are never shown)
     */
    record MailboxView(long id, long domainId, String address, String localPart, String status,
                       @Nullable String failureReason, boolean hasSmtpCredentials, Instant createdAt, Instant updatedAt,
                       @Nullable String workflowId) {

        static MailboxView of(SenderMailbox m) {
            return new MailboxView(m.getId(), m.getDomainId(), m.getAddress(), m.getLocalPart(), m.getStatus().name(),
                    m.getFailureReason(), m.hasSmtpCredentials(), m.getCreatedAt(), m.getUpdatedAt(),
                    WorkflowIds.senderMailbox(m.getId()));
        }
    }
}
