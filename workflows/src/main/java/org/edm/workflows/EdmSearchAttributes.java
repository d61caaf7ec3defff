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

    public static final java.util.List<SearchAttributeKey<?>> ALL =
            java.util.List.of(CAMPAIGN_ID, TASK_ID, SENDER_SERVICE_ID, OWNER_ID);

    private EdmSearchAttributes() {
    }
}
