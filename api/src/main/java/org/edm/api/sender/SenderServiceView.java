package org.edm.api.sender;

import org.edm.domain.sender.SenderProvider;
import org.edm.domain.sender.SenderService;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** A sender service as admins see it. Never carries a password or ciphertext, only {@code has_password} (INV-6). */
record SenderServiceView(long id, String name, SenderProvider provider, String domain, SmtpView smtp,
                         boolean hasPassword, int dailyQuota, int usedToday, double throttleSeconds,
                         String resetTime, String timeZone, int failureThreshold, Integer failureWindowMinutes,
                         boolean enabled, String healthStatus, String frozenReason, Instant frozenAt,
                         int consecutiveFailures, String lastError, Instant lastErrorAt, String workflowId,
                         Instant createdAt, Instant updatedAt) {

    record SmtpView(String host, Integer port, String username, Boolean tls) {
    }

    static SenderServiceView of(SenderService s) {
        Map<String, Object> settings = s.getSettings();
        SmtpView smtp = s.getProvider() == SenderProvider.SMTP
                ? new SmtpView(asString(settings.get("host")), asInteger(settings.get("port")),
                asString(settings.get("username")), asBoolean(settings.get("tls")))
                : null;
        return new SenderServiceView(s.getId(), s.getName(), s.getProvider(), s.getDomain(), smtp, s.hasSecret(),
                s.getDailyQuota(), s.getUsedToday(), s.getThrottleSeconds().doubleValue(),
                s.getResetTime().format(DateTimeFormatter.ofPattern("HH:mm")), s.getTimeZone(),
                s.getFailureThreshold(), s.getFailureWindowMinutes(), s.isEnabled(), s.getHealthStatus().name(),
                s.getFrozenReason(), s.getFrozenAt(), s.getConsecutiveFailures(), s.getLastError(),
                s.getLastErrorAt(), org.edm.workflows.WorkflowIds.senderService(s.getId()), s.getCreatedAt(),
                s.getUpdatedAt());
    }

    // settings is JSON other code may write too: read it leniently rather than fail the whole view
    private static Integer asInteger(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? null : Integer.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String asString(Object value) {
        return value == null ? null : value.toString();
    }

    private static Boolean asBoolean(Object value) {
        return value instanceof Boolean b ? b : value == null ? null : Boolean.valueOf(value.toString().trim());
    }
}
