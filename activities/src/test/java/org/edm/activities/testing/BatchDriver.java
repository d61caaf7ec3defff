package org.edm.activities.testing;

import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.sender.DeliveryActivities;
import org.edm.workflows.sender.DeliveryBatch;
import org.edm.workflows.sender.DeliveryBatchResult;
import org.edm.workflows.sender.ServicePace;

import java.time.Duration;
import java.util.UUID;

/**
 * Runs {@code deliverBatch} the way the sender-service workflow does, through a real (in-process) Temporal
 * server, so activity ids, attempts, heartbeats and retries behave as in production. The activity
 * implementation behind it can be swapped per test.
 */
public final class BatchDriver implements AutoCloseable {

    public static final String QUEUE = "delivery-tests";
    private static volatile DeliveryActivities target;

    private final TestWorkflowEnvironment env;

    /** @param edmQueueWorkflows workflow implementations to host on the production queue ("edm") */
    public BatchDriver(Class<?>... edmQueueWorkflows) {
        env = TestWorkflowEnvironment.newInstance();
        EdmSearchAttributes.ALL.forEach(key ->
                env.registerSearchAttribute(key.getName(), key.getValueType()));
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(DriverImpl.class);
        worker.registerActivitiesImplementations(new Delegate());
        if (edmQueueWorkflows.length > 0) {
            env.newWorker(TaskQueues.EDM).registerWorkflowImplementationTypes(edmQueueWorkflows);
        }
        env.start();
    }

    public WorkflowClient client() {
        return env.getWorkflowClient();
    }

    public TestWorkflowEnvironment env() {
        return env;
    }

    /** One batch, retried up to {@code maxAttempts} times quickly, as a workflow would. */
    public DeliveryBatchResult deliver(DeliveryActivities activities, DeliveryBatch batch, int maxAttempts) {
        target = activities;
        Driver driver = env.getWorkflowClient().newWorkflowStub(Driver.class, WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE).setWorkflowId("sender-service-test-" + UUID.randomUUID()).build());
        return driver.deliver(batch, maxAttempts);
    }

    @Override
    public void close() {
        env.close();
    }

    @WorkflowInterface
    public interface Driver {
        @WorkflowMethod
        DeliveryBatchResult deliver(DeliveryBatch batch, int maxAttempts);
    }

    public static final class DriverImpl implements Driver {
        @Override
        public DeliveryBatchResult deliver(DeliveryBatch batch, int maxAttempts) {
            DeliveryActivities activities = Workflow.newActivityStub(DeliveryActivities.class,
                    ActivityOptions.newBuilder()
                            .setStartToCloseTimeout(Duration.ofMinutes(2))
                            .setHeartbeatTimeout(Duration.ofSeconds(20))
                            .setRetryOptions(RetryOptions.newBuilder()
                                    .setInitialInterval(Duration.ofMillis(100))
                                    .setBackoffCoefficient(1.0)
                                    .setMaximumAttempts(maxAttempts)
                                    .build())
                            .build());
            return activities.deliverBatch(batch);
        }
    }

    private static final class Delegate implements DeliveryActivities {
        @Override
        public ServicePace loadServicePace(long senderServiceId) {
            return target.loadServicePace(senderServiceId);
        }

        @Override
        public DeliveryBatchResult deliverBatch(DeliveryBatch batch) {
            return target.deliverBatch(batch);
        }
    }
}
