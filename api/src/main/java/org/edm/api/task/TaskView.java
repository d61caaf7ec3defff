package org.edm.api.task;

import jakarta.annotation.Nullable;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskStatus;
import org.edm.workflows.WorkflowIds;

import java.time.Instant;
import java.util.Map;

/** A task with where it stands: status, pause reason, audience, plan vs. actual times and delivery counts. */
public record TaskView(long id, long campaignId, int seq, String name, Instant planTime, TaskStatus status,
                       @Nullable String pauseReason, @Nullable Integer audienceSize,
                       @Nullable Instant actualStartTime, @Nullable Instant actualEndTime,
                       Map<String, Object> recipientRule, long templateSetId, String senderName,
                       DeliveryCountsView deliveries, @Nullable String workflowId, Instant createdAt,
                       Instant updatedAt) {

    static TaskView of(Task t, DeliveryCountsView deliveries) {
        return new TaskView(t.getId(), t.getCampaignId(), t.getSeq(), t.getName(), t.getPlanTime(), t.getStatus(),
                t.getPauseReason(), t.getAudienceSize(), t.getActualStartTime(), t.getActualEndTime(),
                t.getRecipientRule(), t.getTemplateSetId(), t.getSenderName(), deliveries,
                WorkflowIds.task(t.getId()), t.getCreatedAt(), t.getUpdatedAt());
    }
}
