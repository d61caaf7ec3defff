package org.edm.api.sender;

import jakarta.annotation.Nullable;
import org.edm.domain.sender.ProviderSettings;
import org.edm.domain.sender.QuotaDay;
import org.edm.domain.sender.SenderProvider;
import org.edm.domain.sender.SenderService;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * A sender service as admins see it. Never carries a password, AccessKey secret, api_key or ciphertext, only
 * {@code has_secret} (INV-6). {@code state}: ACTIVE, FROZEN (see frozen_reason) or DISABLED. {@code remaining_today}
 * and {@code sends_today} are about the service's current quota day, which began at {@code quota_day_started_at};
 * {@code live} is what the service's workflow says right now (absent in lists, or when Temporal cannot be asked).
 */
record SenderServiceView(long id, String name, SenderProvider provider, String domain, @Nullable SmtpView smtp,
                         @Nullable AliyunView aliyun, @Nullable EngageLabView engagelab, boolean hasSecret,
                         boolean hasPassword, String state, int dailyQuota, int usedToday, int remainingToday,
                         @Nullable Long sendsToday, @Nullable Instant quotaDayStartedAt,
                         @Nullable Instant nextResetAt, double throttleSeconds,
                         @Nullable String resetTime, @Nullable String timeZone, int failureThreshold,
                         @Nullable Integer failureWindowMinutes,
                         boolean enabled, @Nullable String healthStatus, @Nullable String frozenReason,
                         @Nullable Instant frozenAt,
                         int consecutiveFailures, @Nullable String lastError, @Nullable Instant lastErrorAt,
                         @Nullable String workflowId,
                         Instant createdAt, Instant updatedAt, @Nullable Live live) {

    record SmtpView(@Nullable String host, @Nullable Integer port, @Nullable String username, @Nullable Boolean tls,
                    @Nullable ImapView imap) {
    }

    /** The IMAP mailbox the poller reads; never its password, only whether one is stored. */
    record ImapView(@Nullable String host, @Nullable Integer port, @Nullable String username, @Nullable Boolean ssl,
                    @Nullable String folder,
                    boolean hasImapPassword) {
    }

    record AliyunView(@Nullable String accessKeyId, @Nullable String region, @Nullable String accountName,
                      @Nullable String fromAlias) {
    }

    record EngageLabView(@Nullable String apiUser, @Nullable String endpoint) {
    }

    /**
     * The sender-service workflow's own account: {@code workflow_state} STARTING, IDLE, SENDING, COOLING (throttle
     * wait until {@code cooling_until}), QUOTA_EXHAUSTED (until {@code quota_resets_at}) or UNUSABLE;
     * NOT_RUNNING when no workflow runs for the service.
     */
    record Live(@Nullable String workflowState, @Nullable Instant coolingUntil, @Nullable Instant quotaResetsAt,
                @Nullable List<Long> waitingTaskIds) {
    }

    /**
     * {@code secretFields}: the names (never the values) of the fields in the service's sealed secret, e.g.
     * {@code password} and {@code imap_password} for SMTP; the caller opens it.
     */
    static SenderServiceView of(SenderService s, Set<String> secretFields) {
        return of(s, null, null, Instant.now(), secretFields);
    }

    static SenderServiceView of(SenderService s, Long sendsToday, Live live, Instant now, Set<String> secretFields) {
        // the typed reading the send path and the mailbox poller use, so the view shows the settings they act on
        SmtpView smtp = null;
        AliyunView aliyun = null;
        EngageLabView engagelab = null;
        switch (s.getProvider()) {
            case SMTP -> {
                ProviderSettings.Smtp stored = ProviderSettings.Smtp.read(s.getSettings());
                ProviderSettings.Imap imap = stored.imap();
                smtp = new SmtpView(stored.host(), stored.port(), stored.username(), stored.tls(), imap == null ? null
                        : new ImapView(imap.host(), imap.port(), imap.username(), imap.ssl(), imap.folder(),
                        secretFields.contains("imap_password")));
            }
            case ALIYUN_DM -> {
                ProviderSettings.AliyunDm stored = ProviderSettings.AliyunDm.read(s.getSettings());
                aliyun = new AliyunView(stored.accessKeyId(), stored.region(), stored.accountName(),
                        stored.fromAlias());
            }
            case ENGAGELAB -> {
                ProviderSettings.EngageLab stored = ProviderSettings.EngageLab.read(s.getSettings());
                engagelab = new EngageLabView(stored.apiUser(), stored.endpoint());
            }
        }
        ZoneId zone = QuotaDay.zone(s.getTimeZone());
        LocalDate today = QuotaDay.of(now, s.getResetTime(), zone);
        boolean countsToday = s.getQuotaDay() != null && !s.getQuotaDay().isBefore(today);
        int usedToday = countsToday ? s.getUsedToday() : 0;
        String state = s.state();
        return new SenderServiceView(s.getId(), s.getName(), s.getProvider(), s.getDomain(), smtp, aliyun, engagelab,
                s.hasSecret(), s.getProvider() == SenderProvider.SMTP && secretFields.contains("password"), state,
                // used_today is the stored counter (of quota_day); remaining_today is what the send path would see now
                s.getDailyQuota(), s.getUsedToday(), Math.max(0, s.getDailyQuota() - usedToday), sendsToday,
                QuotaDay.startOf(today, s.getResetTime(), zone),
                QuotaDay.startOf(today.plusDays(1), s.getResetTime(), zone), s.getThrottleSeconds().doubleValue(),
                s.getResetTime().format(DateTimeFormatter.ofPattern("HH:mm")), s.getTimeZone(),
                s.getFailureThreshold(), s.getFailureWindowMinutes(), s.isEnabled(), s.getHealthStatus().name(),
                s.getFrozenReason(), s.getFrozenAt(), s.getConsecutiveFailures(), s.getLastError(),
                s.getLastErrorAt(), org.edm.workflows.WorkflowIds.senderService(s.getId()), s.getCreatedAt(),
                s.getUpdatedAt(), live);
    }
}
