package org.edm.domain.user;

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
 * A person who signs in: an operator (运营) or an admin (超级管理员). The quota balance is only ever changed
 * through the quota ledger (INV-1), never by this entity; the last login is written by the api's sign-in service
 * in one SQL statement, so this entity only reads it.
 * {@link DynamicUpdate}: an admin's edit writes only the columns it changed.
 */
@Entity
@Table(name = "users")
@DynamicUpdate
public class User extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, updatable = false)
    private String username;

    private String email;

    /** Argon2 (or BCrypt) hash; null while the user cannot sign in. Never leaves the api. */
    @Column(name = "password_hash")
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "quota_balance", nullable = false, updatable = false)
    private long quotaBalance;

    @Column(name = "last_login_at", insertable = false, updatable = false)
    private Instant lastLoginAt;

    /**
     * Self-registered users start PENDING_VERIFICATION (written by the api's sign-up in SQL) and become ACTIVE through
     * {@link EmailVerification}; users an admin creates are ACTIVE at once. Read-only here.
     */
    @Enumerated(EnumType.STRING)
    @Column(insertable = false, updatable = false)
    private Status status = Status.ACTIVE;

    @Column(name = "email_verified_at", insertable = false, updatable = false)
    private Instant emailVerifiedAt;

    @Column(name = "signed_up_at", insertable = false, updatable = false)
    private Instant signedUpAt;

    protected User() {
    }

    public User(String username, String email, String passwordHash, Role role) {
        this.username = username;
        this.email = email;
        this.passwordHash = passwordHash;
        this.role = role;
        this.enabled = true;
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

    public void setEmail(String email) {
        this.email = email;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public long getQuotaBalance() {
        return quotaBalance;
    }

    public Instant getLastLoginAt() {
        return lastLoginAt;
    }

    public Status getStatus() {
        return status;
    }

    public Instant getEmailVerifiedAt() {
        return emailVerifiedAt;
    }

    /** When the user registered themselves; null for users an admin created. */
    public Instant getSignedUpAt() {
        return signedUpAt;
    }

    public enum Role {
        ADMIN, OPERATOR
    }

    public enum Status {
        PENDING_VERIFICATION, ACTIVE
    }
}
