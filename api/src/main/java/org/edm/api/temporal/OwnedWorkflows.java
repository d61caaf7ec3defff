package org.edm.api.temporal;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;

/**
 * The options of a workflow the api starts for one user's resource (a domain, a mailbox, a webhook endpoint, a
 * sign-up): the business id, the shared task queue, and the owner as a search attribute, so the Web UI finds a
 * user's runs with {@code EdmOwnerId = "7"}.
 */
public final class OwnedWorkflows {

    private OwnedWorkflows() {
    }

    /** {@code reusePolicy} null: the server's default. */
    public static WorkflowOptions options(String workflowId, long ownerId, WorkflowIdReusePolicy reusePolicy) {
        WorkflowOptions.Builder builder = WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.EDM)
                .setTypedSearchAttributes(SearchAttributes.newBuilder()
                        .set(EdmSearchAttributes.OWNER_ID, String.valueOf(ownerId)).build());
        if (reusePolicy != null) {
            builder.setWorkflowIdReusePolicy(reusePolicy);
        }
        return builder.build();
    }
}
