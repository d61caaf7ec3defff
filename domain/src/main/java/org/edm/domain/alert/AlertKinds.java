package org.edm.domain.alert;

import java.util.List;

/** alerts.kind: one name per condition, the same in the database, the REST API, e-mails and webhooks. */
public final class AlertKinds {

    /** A sender service's bounce rate over its last N sends is above the threshold (seed 000 §9). */
    public static final String SENDER_BOUNCE_RATE_HIGH = "SENDER_BOUNCE_RATE_HIGH";
    /** The last N finished tasks of a campaign each had an open rate below the threshold (seed 000 §9). */
    public static final String CAMPAIGN_OPEN_RATE_LOW = "CAMPAIGN_OPEN_RATE_LOW";
    /** A sender service was frozen after repeated failures (F19). */
    public static final String SENDER_SERVICE_FROZEN = "SENDER_SERVICE_FROZEN";
    /** A task is paused because its owner has no usable sender service (F20). */
    public static final String TASK_PAUSED_NO_SERVICE = "TASK_PAUSED_NO_SERVICE";
    /** A task is paused for want of quota: its owner's, or today's quota of all its usable services (F20). */
    public static final String TASK_PAUSED_NO_QUOTA = "TASK_PAUSED_NO_QUOTA";
    /** A user's quota fell below the low-quota threshold (F25). */
    public static final String QUOTA_LOW = "QUOTA_LOW";
    /** A verified sending domain no longer passes its DNS checks (seed 004). */
    public static final String DOMAIN_DNS_FAILING = "DOMAIN_DNS_FAILING";

    public static final List<String> ALL = List.of(SENDER_BOUNCE_RATE_HIGH, CAMPAIGN_OPEN_RATE_LOW,
            SENDER_SERVICE_FROZEN, TASK_PAUSED_NO_SERVICE, TASK_PAUSED_NO_QUOTA, QUOTA_LOW, DOMAIN_DNS_FAILING);

    public static final String WARNING = "WARNING";
    public static final String CRITICAL = "CRITICAL";

    private AlertKinds() {
    }
}
