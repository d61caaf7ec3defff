package org.edm.activities.apisend;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import org.edm.activities.delivery.Heartbeat;
import org.edm.workflows.apisend.ApiSendActivities;
import org.edm.workflows.apisend.ApiSendRound;
import org.springframework.stereotype.Component;

/**
 * The claim is named by the activity execution, which stays the same across retries: a retry after a crash finds
 * exactly what its earlier attempt left (see {@link ApiMessageSender}).
 */
@Component("apiSendActivities")
public class ApiSendActivitiesImpl implements ApiSendActivities {

    private final ApiMessageSender sender;

    public ApiSendActivitiesImpl(ApiMessageSender sender) {
        this.sender = sender;
    }

    @Override
    public ApiSendRound sendQueuedMessages(int maxMessages) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        ActivityInfo info = context.getInfo();
        String claim = info.getWorkflowId() + "/" + info.getRunId() + "/" + info.getActivityId();
        try (Heartbeat heartbeat = new Heartbeat(context)) {
            return sender.sendRound(claim, maxMessages, heartbeat::progressed);
        }
    }
}
