package org.edm.api.task;

import org.edm.domain.task.Task;
import org.edm.domain.task.TaskStatus;
import org.edm.workflows.WorkflowIds;

import java.time.Instant;
import java.util.Map;

/** A task with where it stands: status, pause reason, audience, plan vs. actual times and delivery counts. */
public record TaskView(long id, long campaignId, int seq, String name, Instant planTime, TaskStatus status,
                       String pauseReason, Integer audienceSize, Instant actualStartTime, Instant actualEndTime,
                       Map<String, Object> recipientRule, long templateSetId, String senderName,
                       DeliveryCountsView deliveries, String workflowId, Instant createdAt, Instant updatedAt) {

    static TaskView of(Task t, DeliveryCountsView deliveries) {
        return new TaskView(t.getId(), t.getCampaignId(), t.getSeq(), t.getName(), t.getPlanTime(), t.getStatus(),
                t.getPauseReason(), t.getAudienceSize(), t.getActualStartTime(), t.getActualEndTime(),
                t.getRecipientRule(), t.getTemplateSetId(), t.getSenderName(), deliveries,
                WorkflowIds.task(t.getId()), t.getCreatedAt(), t.getUpdatedAt());
    }
}
