package org.edm.workflows.sender;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.task.TaskDemand;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class SenderServiceWorkflowTests {

    private static final long SERVICE = 3;
    private static final long USER_A = 10;
    private static final long USER_B = 20;

    private TestWorkflowEnvironment env;
    private FakeDeliveryActivities deliveries;

    private SenderServiceWorkflow start(long throttleMillis, int batchSize) {
        return start(throttleMillis, batchSize, 0, 0);
    }

    /** With growing batches (see ServicePace) when {@code firstBatchSize} is above 0. */
    private SenderServiceWorkflow start(long throttleMillis, int batchSize, int firstBatchSize, long batchTargetMillis) {
        env = WorkflowTestEnvironments.newEnvironment();
        deliveries = new FakeDeliveryActivities(env::currentTimeMillis, throttleMillis, batchSize);
        deliveries.firstBatchSize = firstBatchSize;
        deliveries.batchTargetMillis = batchTargetMillis;
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(SenderServiceWorkflowImpl.class);
        worker.registerActivitiesImplementations(deliveries);
        env.start();
        SenderServiceWorkflow service = env.getWorkflowClient().newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("sender-service-" + SERVICE)
                        .setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(service::run, SenderServiceState.fresh(SERVICE));
        return service;
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    @Test
    void usersTakeTurnsWhateverTheirNumberOfTasks() {
        SenderServiceWorkflow service = start(1_000, 1);
        deliveries.pending.put(1L, 30);
        for (long task = 2; task <= 6; task++) {
            deliveries.pending.put(task, 30);
        }
        service.demand(new TaskDemand(1, USER_A, 100));
        for (long task = 2; task <= 6; task++) {
            service.demand(new TaskDemand(task, USER_B, 100 + task));
        }

        env.sleep(Duration.ofSeconds(40));
        // on a loaded machine the last batches of those 40 s may still be on their way: only the order matters
        for (int i = 0; i < 20 && deliveries.batches.size() < 40; i++) {
            env.sleep(Duration.ofSeconds(5));
        }

        List<FakeDeliveryActivities.Batch> first40 = List.copyOf(deliveries.batches).subList(0, 40);
        Map<Boolean, Long> byUser = first40.stream()
                .collect(Collectors.partitioningBy(b -> b.taskId() == 1, Collectors.counting()));
        assertThat(byUser.get(true)).as("user A's share of 40 sends").isEqualTo(20);
        assertThat(byUser.get(false)).as("user B's share of 40 sends").isEqualTo(20);
        assertThat(first40.stream().filter(b -> b.taskId() != 1).map(FakeDeliveryActivities.Batch::taskId).distinct())
                .as("user B's oldest task first").containsExactly(2L);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "sender-service-" + SERVICE,
                "sender-service.json");
    }

    @Test
    void theWebUiFindsFrozenAndExhaustedServices() {
        env = WorkflowTestEnvironments.newEnvironment();
        deliveries = new FakeDeliveryActivities(env::currentTimeMillis, 0, 10);
        deliveries.condition = "FROZEN";
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(SenderServiceWorkflowImpl.class);
        worker.registerActivitiesImplementations(deliveries);
        env.start();
        SenderServiceWorkflow service = env.getWorkflowClient().newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("sender-service-" + SERVICE)
                        .setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(service::run, SenderServiceState.fresh(SERVICE));
        env.sleep(Duration.ofSeconds(5));
        assertThat(serviceState()).isEqualTo("FROZEN");

        deliveries.condition = "ACTIVE";
        service.configurationChanged();
        env.sleep(Duration.ofSeconds(5));
        assertThat(serviceState()).isEqualTo("ACTIVE");

        deliveries.quotaLeft = 0;
        deliveries.quotaPerDay = 5;
        deliveries.quotaResetsAt = env.currentTimeMillis() + Duration.ofHours(2).toMillis();
        deliveries.pending.put(1L, 5);
        service.demand(new TaskDemand(1, USER_A, 100));
        env.sleep(Duration.ofMinutes(1));
        assertThat(serviceState()).isEqualTo("QUOTA_EXHAUSTED");

        env.sleep(Duration.ofHours(2));
        assertThat(serviceState()).as("back after the quota reset").isEqualTo("ACTIVE");
        assertThat(deliveries.batches).extracting(FakeDeliveryActivities.Batch::sent).containsExactly(5);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "sender-service-" + SERVICE,
                "sender-service-findable.json");
    }

    private String serviceState() {
        return env.getWorkflowClient().newUntypedWorkflowStub("sender-service-" + SERVICE).describe()
                .getTypedSearchAttributes().get(org.edm.workflows.EdmSearchAttributes.SERVICE_STATE);
    }

    @Test
    void unthrottledBatchesGrowFromASmallFirstOneToTheLargest() {
        SenderServiceWorkflow service = start(0, 3_000, 50, 10_000);
        deliveries.pending.put(1L, 9_050);
        service.demand(new TaskDemand(1, USER_A, 100));

        env.sleep(Duration.ofMinutes(1));

        // fast batches (well under the target): each next one is 4x its predecessor, up to the largest
        assertThat(deliveries.batches).extracting(FakeDeliveryActivities.Batch::sent)
                .containsExactly(50, 200, 800, 3_000, 3_000, 2_000);
        assertThat(service.status().waitingTaskIds()).as("drained task leaves the queue").isEmpty();

        // a new task starts small again, while the first task's size is forgotten
        deliveries.pending.put(2L, 100);
        service.demand(new TaskDemand(2, USER_A, 200));
        env.sleep(Duration.ofMinutes(1));
        assertThat(deliveries.batches.get(6).sent()).isEqualTo(50);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "sender-service-" + SERVICE,
                "sender-service-growing-batches.json");
    }

    @Test
    void aSlowProvidersBatchesStayNearTheTarget() {
        SenderServiceWorkflow service = start(0, 5_000, 50, 200);
        deliveries.millisPerDelivery = 2;
        deliveries.pending.put(1L, 1_000);
        service.demand(new TaskDemand(1, USER_A, 100));

        for (int i = 0; i < 60 && deliveries.pending.get(1L) > 0; i++) {
            env.sleep(Duration.ofSeconds(1));
        }

        // 2 ms a delivery: 100 deliveries fill the 200 ms target, never the largest batch of 5,000; a loaded machine
        // only makes a batch slower, so smaller (not below the first); the last batch is the task's tail
        assertThat(deliveries.pending.get(1L)).isZero();
        List<FakeDeliveryActivities.Batch> batches = List.copyOf(deliveries.batches);
        assertThat(batches.subList(0, batches.size() - 1)).extracting(FakeDeliveryActivities.Batch::sent)
                .allSatisfy(n -> assertThat(n).isBetween(50, 100));
    }

    @Test
    void keepsTheThrottleBetweenBatches() {
        // a throttled service's paced batches keep their size (INV-2), even if its pace said how to grow
        SenderServiceWorkflow service = start(1_500, 2, 1, 60_000);
        deliveries.pending.put(1L, 20);
        service.demand(new TaskDemand(1, USER_A, 100));

        env.sleep(Duration.ofMinutes(1));

        List<FakeDeliveryActivities.Batch> batches = List.copyOf(deliveries.batches);
        assertThat(batches).hasSize(10);
        assertThat(batches).extracting(FakeDeliveryActivities.Batch::sent).containsOnly(2);
        for (int i = 1; i < batches.size(); i++) {
            assertThat(batches.get(i).atMillis() - batches.get(i - 1).atMillis()).isGreaterThanOrEqualTo(1_500);
        }
        assertThat(service.status().waitingTaskIds()).as("drained task leaves the queue").isEmpty();
    }

    @Test
    void sleepsUntilTheQuotaResetsThenCarriesOn() {
        SenderServiceWorkflow service = start(0, 10);
        deliveries.quotaPerDay = 25;
        deliveries.quotaLeft = 25;
        deliveries.quotaResetsAt = WorkflowTestEnvironments.START.plus(Duration.ofHours(16)).toEpochMilli();
        deliveries.pending.put(1L, 40);
        service.demand(new TaskDemand(1, USER_A, 100));

        env.sleep(Duration.ofHours(15).plusMinutes(59));
        assertThat(deliveries.pending.get(1L)).as("quota of 25 used, 15 wait for tomorrow").isEqualTo(15);
        assertThat(service.status().state()).isEqualTo("QUOTA_EXHAUSTED");

        env.sleep(Duration.ofMinutes(2));
        assertThat(deliveries.pending.get(1L)).isZero();
        assertThat(deliveries.batches.get(deliveries.batches.size() - 1).atMillis())
                .isGreaterThanOrEqualTo(deliveries.quotaResetsAt - Duration.ofDays(1).toMillis());
    }
}
