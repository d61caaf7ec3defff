package org.edm.workflows.campaign;

import java.util.List;

/**
 * What a run of {@code campaign-{id}} hands to the next when it continues as new: which tasks it has started (all of
 * them ended by then) and whether the operator has paused it. The plan itself is read again from PostgreSQL.
 */
public record CampaignCarry(List<Long> startedTaskIds, boolean paused, String pauseReason) {
}
