package org.edm.workflows.sender;

import org.edm.workflows.task.TaskDemand;

import java.util.List;
import java.util.Map;

/**
 * What a sender-service workflow carries across continue-as-new: the tasks waiting for it and when each user
 * was last served (a logical clock), so fairness survives the restart.
 */
public record SenderServiceState(long senderServiceId, List<TaskDemand> demands, Map<Long, Long> lastServedByOwner,
                                 long servingClock) {

    public static SenderServiceState fresh(long senderServiceId) {
        return new SenderServiceState(senderServiceId, List.of(), Map.of(), 0);
    }
}
