package org.edm.workflows;

import io.temporal.common.SearchAttributeKey;

/**
 * Custom search attributes that let an engineer find runs in the Temporal Web UI by business id
 * (e.g. {@code EdmCampaignId = 42}). They must be registered on the namespace; the dev launcher and the
 * tests do that with {@link #ALL}.
 */
public final class EdmSearchAttributes {

    public static final SearchAttributeKey<Long> CAMPAIGN_ID = SearchAttributeKey.forLong("EdmCampaignId");
    public static final SearchAttributeKey<Long> TASK_ID = SearchAttributeKey.forLong("EdmTaskId");
    public static final SearchAttributeKey<Long> SENDER_SERVICE_ID = SearchAttributeKey.forLong("EdmSenderServiceId");
    // Keyword, not Int: Temporal's SQL visibility (the dev server's SQLite) allows at most three Int attributes.
    public static final SearchAttributeKey<String> OWNER_ID = SearchAttributeKey.forKeyword("EdmOwnerId");

    /**
     * States kept current by the workflows themselves ({@link FindableState}), so "paused tasks of user 7" is
     * {@code EdmOwnerId = "7" AND EdmTaskStatus = "PAUSED"} in the Web UI. Values: a task's SENDING, PAUSED,
     * FINISHED, CANCELLED; a sender service's ACTIVE, QUOTA_EXHAUSTED, FROZEN, DISABLED, UNUSABLE; a campaign's
     * WAITING, RUNNING, PAUSED, CANCELLING, CANCELLED, COMPLETED.
     */
    public static final SearchAttributeKey<String> TASK_STATUS = SearchAttributeKey.forKeyword("EdmTaskStatus");
    public static final SearchAttributeKey<String> SERVICE_STATE = SearchAttributeKey.forKeyword("EdmServiceState");
    public static final SearchAttributeKey<String> CAMPAIGN_STATUS =
            SearchAttributeKey.forKeyword("EdmCampaignStatus");

    public static final java.util.List<SearchAttributeKey<?>> ALL =
            java.util.List.of(CAMPAIGN_ID, TASK_ID, SENDER_SERVICE_ID, OWNER_ID, TASK_STATUS, SERVICE_STATE,
                    CAMPAIGN_STATUS);

    private EdmSearchAttributes() {
    }
}
