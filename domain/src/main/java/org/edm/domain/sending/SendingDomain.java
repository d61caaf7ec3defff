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

import java.time.Instant;

/**
 * A developer's sending domain (seed 004 steps 4-8). The api creates it with its DKIM key pair; from then on the
 * DNS checks (the {@code domain-{id}} workflow's activities) own its status and check times and change them with
 * SQL, so those columns are not updatable here and a save can never undo a check.
 *
 * <p>The DKIM private key (PKCS#8, base64) is only held sealed by SecretBox (INV-6); the send path opens it to sign.
 */
@Entity
@Table(name = "sending_domains")
@DynamicUpdate
public class SendingDomain extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false, updatable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private DomainStatus status = DomainStatus.PENDING;

    @Column(name = "verification_token", nullable = false, updatable = false)
    private String verificationToken;

    @Column(name = "dkim_selector", nullable = false, updatable = false)
    private String dkimSelector;

    @Column(name = "dkim_public_key", nullable = false, updatable = false)
    private String dkimPublicKey;

    @Column(name = "dkim_private_ciphertext", nullable = false, updatable = false)
    private byte[] dkimPrivateCiphertext;

    @Column(name = "dkim_key_version", updatable = false)
    private Integer dkimKeyVersion;

    @Column(name = "verified_at", updatable = false)
    private Instant verifiedAt;

    @Column(name = "last_checked_at", updatable = false)
    private Instant lastCheckedAt;

    /** PENDING, DONE, FAILED or NOT_CONFIGURED: the workflow's registration in the platform's DirectMail account. */
    @Column(name = "provider_registration", insertable = false, updatable = false)
    private String providerRegistration;

    /** Why DirectMail refused the domain or does not (yet) count it verified; null when nothing is wrong. */
    @Column(name = "provider_reason", insertable = false, updatable = false)
    private String providerReason;

    protected SendingDomain() {
    }

    /** {@code dkimPrivateCiphertext}: the sealed PKCS#8 key, sealed with key version {@code dkimKeyVersion}. */
    public SendingDomain(long ownerId, String name, String verificationToken, String dkimSelector,
                         String dkimPublicKey, byte[] dkimPrivateCiphertext, int dkimKeyVersion) {
        this.ownerId = ownerId;
        this.name = name;
        this.verificationToken = verificationToken;
        this.dkimSelector = dkimSelector;
        this.dkimPublicKey = dkimPublicKey;
        this.dkimPrivateCiphertext = dkimPrivateCiphertext;
        this.dkimKeyVersion = dkimKeyVersion;
    }

    public Long getId() {
        return id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public String getName() {
        return name;
    }

    public DomainStatus getStatus() {
        return status;
    }

    public String getVerificationToken() {
        return verificationToken;
    }

    public String getDkimSelector() {
        return dkimSelector;
    }

    public String getDkimPublicKey() {
        return dkimPublicKey;
    }

    public byte[] getDkimPrivateCiphertext() {
        return dkimPrivateCiphertext;
    }

    public Integer getDkimKeyVersion() {
        return dkimKeyVersion;
    }

    public Instant getVerifiedAt() {
        return verifiedAt;
    }

    public Instant getLastCheckedAt() {
        return lastCheckedAt;
    }

    @Override
    public String toString() {
        // never the key (INV-6)
        return "SendingDomain[id=" + id + ", name=" + name + ", status=" + status + "]";
    }

    public String getProviderRegistration() {
        return providerRegistration;
    }

    public String getProviderReason() {
        return providerReason;
    }
}
