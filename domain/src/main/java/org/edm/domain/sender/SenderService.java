package org.edm.domain.sender;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Map;
import org.edm.domain.Timestamped;

/**
 * A sender service (发件服务): one provider account with its own daily quota, throttle and health.
 *
 * <p>The admin owns the configuration columns. The send path (the sender-service workflow's activities) owns the
 * counters and the health columns and changes them with SQL while an admin may be editing; those columns are
 * therefore {@code updatable = false} and updates are {@link DynamicUpdate dynamic}, so saving an admin's edit
 * can never write back a stale {@code used_today} (INV-1) or undo a freeze.
 *
 * <p>Secrets (password, API keys) are only held sealed ({@link #getSecretCiphertext()}, AES-GCM via
 * {@code SecretBox}); nothing here ever exposes them in clear (INV-6).
 */
@Entity
@Table(name = "sender_services")
@DynamicUpdate
public class SenderService extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SenderProvider provider;

    @Column(nullable = false)
    private String domain;

    /** Non-secret connection settings, e.g. {@code {"host","port","username","tls"}} for SMTP. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private Map<String, Object> settings = new HashMap<>();

    @Column(name = "secret_ciphertext")
    private byte[] secretCiphertext;

    @Column(name = "secret_key_version")
    private Integer secretKeyVersion;

    @Column(name = "daily_quota", nullable = false)
    private int dailyQuota;

    @Column(name = "used_today", nullable = false, updatable = false)
    private int usedToday;

    @Column(name = "quota_day", updatable = false)
    private LocalDate quotaDay;

    @Column(name = "reset_time", nullable = false)
    private LocalTime resetTime = LocalTime.MIDNIGHT;

    @Column(name = "time_zone", nullable = false)
    private String timeZone = "Asia/Shanghai";

    @Column(name = "throttle_seconds", nullable = false, precision = 10, scale = 3)
    private BigDecimal throttleSeconds = BigDecimal.ZERO;

    @Column(name = "failure_threshold", nullable = false)
    private int failureThreshold = 10;

    @Column(name = "failure_window_minutes")
    private Integer failureWindowMinutes;

    @Enumerated(EnumType.STRING)
    @Column(name = "health_status", nullable = false, updatable = false)
    private HealthStatus healthStatus = HealthStatus.ACTIVE;

    @Column(name = "frozen_reason", updatable = false)
    private String frozenReason;

    @Column(name = "frozen_at", updatable = false)
    private Instant frozenAt;

    @Column(name = "consecutive_failures", nullable = false, updatable = false)
    private int consecutiveFailures;

    @Column(name = "last_error", updatable = false)
    private String lastError;

    @Column(name = "last_error_at", updatable = false)
    private Instant lastErrorAt;

    @Column(nullable = false)
    private boolean enabled = true;

    public SenderService() {
    }

    /** Stores freshly sealed credentials (the caller sealed them with the current key version). */
    public void replaceSecret(byte[] ciphertext, int keyVersion) {
        this.secretCiphertext = ciphertext;
        this.secretKeyVersion = keyVersion;
    }

    public void clearSecret() {
        this.secretCiphertext = null;
        this.secretKeyVersion = null;
    }

    public boolean hasSecret() {
        return secretCiphertext != null && secretCiphertext.length > 0;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public SenderProvider getProvider() {
        return provider;
    }

    public void setProvider(SenderProvider provider) {
        this.provider = provider;
    }

    public String getDomain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = domain;
    }

    public Map<String, Object> getSettings() {
        return settings;
    }

    public void setSettings(Map<String, Object> settings) {
        this.settings = settings;
    }

    public byte[] getSecretCiphertext() {
        return secretCiphertext;
    }

    public Integer getSecretKeyVersion() {
        return secretKeyVersion;
    }

    public int getDailyQuota() {
        return dailyQuota;
    }

    public void setDailyQuota(int dailyQuota) {
        this.dailyQuota = dailyQuota;
    }

    public int getUsedToday() {
        return usedToday;
    }

    public LocalDate getQuotaDay() {
        return quotaDay;
    }

    public LocalTime getResetTime() {
        return resetTime;
    }

    public void setResetTime(LocalTime resetTime) {
        this.resetTime = resetTime;
    }

    public String getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    public BigDecimal getThrottleSeconds() {
        return throttleSeconds;
    }

    public void setThrottleSeconds(BigDecimal throttleSeconds) {
        this.throttleSeconds = throttleSeconds;
    }

    public int getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(int failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    public Integer getFailureWindowMinutes() {
        return failureWindowMinutes;
    }

    public void setFailureWindowMinutes(Integer failureWindowMinutes) {
        this.failureWindowMinutes = failureWindowMinutes;
    }

    public HealthStatus getHealthStatus() {
        return healthStatus;
    }

    public String getFrozenReason() {
        return frozenReason;
    }

    public Instant getFrozenAt() {
        return frozenAt;
    }

    public int getConsecutiveFailures() {
        return consecutiveFailures;
    }

    public String getLastError() {
        return lastError;
    }

    public Instant getLastErrorAt() {
        return lastErrorAt;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public String toString() {
        // never the secret (INV-6)
        return "SenderService[id=" + id + ", name=" + name + ", provider=" + provider + "]";
    }

    public enum HealthStatus {
        ACTIVE, FROZEN
    }

    /**
     * The one rule for "may this service send at all": enabled by an admin and not frozen. The send path adds only
     * whether this worker has a provider for it; publishing demand, the F20 check and the dashboard ask the same.
     * As SQL on {@code sender_services s}: {@link #USABLE_SQL}.
     */
    public static boolean usable(boolean enabled, String healthStatus) {
        return enabled && HealthStatus.ACTIVE.name().equals(healthStatus);
    }

    /** {@link #usable(boolean, String)} as a condition on {@code sender_services} aliased {@code s}. */
    public static final String USABLE_SQL = "s.enabled AND s.health_status = 'ACTIVE'";

    public boolean isUsable() {
        return usable(enabled, healthStatus.name());
    }

    /** What an admin reads: DISABLED when switched off, else ACTIVE or FROZEN. */
    public String state() {
        return enabled ? healthStatus.name() : "DISABLED";
    }
}
