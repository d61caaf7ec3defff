package org.edm.domain.sending;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.edm.domain.Timestamped;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A sender mailbox {@code local_part@domain} at Aliyun DirectMail (seed 004 steps 9-11). The api creates it
 * PROVISIONING; the provisioning activity owns everything after that (status, reason, SMTP credentials) and writes it
 * with SQL. The send path reads {@code smtp_username} and {@code secret_ciphertext} (SecretBox.seal of the SMTP
 * password as a UTF-8 string) of NORMAL mailboxes. Credentials are never exposed by this class (INV-6).
 */
@Entity
@Table(name = "sender_mailboxes")
@DynamicUpdate
public class SenderMailbox extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(name = "domain_id", nullable = false, updatable = false)
    private long domainId;

    @Column(name = "local_part", nullable = false, updatable = false)
    private String localPart;

    @Column(nullable = false, updatable = false)
    private String address;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private MailboxStatus status = MailboxStatus.PROVISIONING;

    @Column(name = "failure_reason", updatable = false)
    private String failureReason;

    @Column(name = "smtp_username", updatable = false)
    private String smtpUsername;

    @Column(name = "secret_ciphertext", updatable = false)
    private byte[] secretCiphertext;

    @Column(name = "secret_key_version", updatable = false)
    private Integer secretKeyVersion;

    @Column(name = "provider_mailbox_id", updatable = false)
    private String providerMailboxId;

    protected SenderMailbox() {
    }

    public SenderMailbox(long ownerId, long domainId, String localPart, String domainName) {
        this.ownerId = ownerId;
        this.domainId = domainId;
        this.localPart = localPart;
        this.address = localPart + "@" + domainName;
    }

    public Long getId() {
        return id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public long getDomainId() {
        return domainId;
    }

    public String getLocalPart() {
        return localPart;
    }

    public String getAddress() {
        return address;
    }

    public MailboxStatus getStatus() {
        return status;
    }

    public String getFailureReason() {
        return failureReason;
    }

    public String getSmtpUsername() {
        return smtpUsername;
    }

    public boolean hasSmtpCredentials() {
        return secretCiphertext != null && secretCiphertext.length > 0;
    }

    @Override
    public String toString() {
        return "SenderMailbox[id=" + id + ", status=" + status + "]";
    }
}
