package org.edm.domain.user;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A person who signs in: an operator (运营) or an admin (超级管理员). Read-only here; the user management issue
 * owns writes. The quota balance is only ever changed through the quota ledger (INV-1), never by this entity.
 */
@Entity
@Table(name = "users")
public class User {

    @Id
    private Long id;

    @Column(nullable = false, updatable = false)
    private String username;

    @Column(updatable = false)
    private String email;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private Role role;

    @Column(nullable = false, updatable = false)
    private boolean enabled;

    @Column(name = "quota_balance", nullable = false, updatable = false)
    private long quotaBalance;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected User() {
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getEmail() {
        return email;
    }

    public Role getRole() {
        return role;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public long getQuotaBalance() {
        return quotaBalance;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public enum Role {
        ADMIN, OPERATOR
    }
}
