package org.edm.domain.sender;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.CreationTimestamp;

import java.time.Instant;

/** A user may send through a sender service (seed 003 user_sender_service_access); admins manage these. */
@Entity
@Table(name = "user_sender_service_access")
public class UserSenderServiceAccess {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "user_id", nullable = false, updatable = false)
    private long userId;

    @Column(name = "sender_service_id", nullable = false, updatable = false)
    private long senderServiceId;

    @CreationTimestamp
    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected UserSenderServiceAccess() {
    }

    public UserSenderServiceAccess(long userId, long senderServiceId) {
        this.userId = userId;
        this.senderServiceId = senderServiceId;
    }

    public Long getId() {
        return id;
    }

    public long getUserId() {
        return userId;
    }

    public long getSenderServiceId() {
        return senderServiceId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
