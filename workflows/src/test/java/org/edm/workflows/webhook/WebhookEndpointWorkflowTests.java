package org.edm.workflows.webhook;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookEndpointWorkflowTests {

    private static final long ENDPOINT = 5;

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    /** An outbox and an endpoint that answers 500 until told otherwise, remembering every call and when. */
    static final class FakeEndpoint implements WebhookActivities {
        final TreeMap<Long, String> outbox = new TreeMap<>(); // id -> PENDING / DELIVERED / FAILED
        final List<String> calls = new CopyOnWriteArrayList<>(); // "id@milliseconds since the start"
        final Map<Long, Long> nextAttemptAt = new ConcurrentHashMap<>();
        volatile int status = 500;
        volatile boolean deleted;
        /** What IDLE answers ask for (the worker's EDM_WEBHOOKS_IDLE_POLL); null: the workflow's default minute. */
        volatile Duration idlePoll;
        private final TestWorkflowEnvironment env;

        FakeEndpoint(TestWorkflowEnvironment env) {
            this.env = env;
        }

        synchronized void queue(long id) {
            outbox.put(id, "PENDING");
        }

        @Override
        public synchronized WebhookNext nextWebhookDelivery(long endpointId) {
            if (deleted) {
                return WebhookNext.gone();
            }
            return outbox.entrySet().stream().filter(e -> e.getValue().equals("PENDING")).findFirst()
                    .map(e -> WebhookNext.due(e.getKey()))
                    .orElse(idlePoll == null ? WebhookNext.idle() : WebhookNext.idle(idlePoll));
        }

        @Override
        public synchronized WebhookAttemptResult attemptWebhookDelivery(WebhookAttempt attempt) {
            long millis = env.currentTimeMillis() - WorkflowTestEnvironments.START.toEpochMilli();
            calls.add(attempt.deliveryId() + "@" + millis);
            if (status / 100 == 2) {
                outbox.put(attempt.deliveryId(), "DELIVERED");
                return new WebhookAttemptResult(WebhookAttemptResult.DELIVERED, status);
            }
            if (attempt.retryAtEpochMillis() == null) {
                outbox.put(attempt.deliveryId(), "FAILED");
                return new WebhookAttemptResult(WebhookAttemptResult.FAILED, status);
            }
            nextAttemptAt.put(attempt.deliveryId(), attempt.retryAtEpochMillis());
            return new WebhookAttemptResult(WebhookAttemptResult.RETRY, status);
        }

        List<Long> secondsOfCallsTo(long id) {
            return millisOfCallsTo(id).stream().map(millis -> millis / 1000).toList();
        }

        /** Whole seconds between one call to {@code id} and the next. */
        List<Long> waitsBetweenCallsTo(long id) {
            List<Long> millis = millisOfCallsTo(id);
            List<Long> waits = new ArrayList<>();
            for (int i = 1; i < millis.size(); i++) {
                waits.add(Math.round((millis.get(i) - millis.get(i - 1)) / 1000.0));
            }
            return waits;
        }

        private List<Long> millisOfCallsTo(long id) {
            List<Long> out = new ArrayList<>();
            for (String c : calls) {
                if (c.startsWith(id + "@")) {
                    out.add(Long.parseLong(c.substring(c.indexOf('@') + 1)));
                }
            }
            return out;
        }

        List<Long> orderOfIds() {
            return calls.stream().map(c -> Long.parseLong(c.substring(0, c.indexOf('@')))).distinct().toList();
        }
    }

    private FakeEndpoint fake;

    @BeforeEach
    void start() {
        fake = new FakeEndpoint(env);
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(WebhookEndpointWorkflowImpl.class);
        worker.registerActivitiesImplementations(fake);
        env.start();
    }

    @AfterEach
    void close() {
        env.close();
    }

    private WebhookEndpointWorkflow startWorkflow() {
        WebhookEndpointWorkflow workflow = env.getWorkflowClient().newWorkflowStub(WebhookEndpointWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(WorkflowIds.webhookEndpoint(ENDPOINT)).build());
        WorkflowClient.start(workflow::run, WebhookEndpointInput.start(ENDPOINT));
        return workflow;
    }

    @Test
    void after500sTheEventIsRetriedWithDoublingWaitsAndTheOnesBehindItWaitTheirTurn() {
        fake.queue(1);
        fake.queue(2);
        fake.queue(3);
        startWorkflow();
        env.sleep(Duration.ofMinutes(5));

        // first try, then +10 s, +20 s, +40 s, +80 s: all at event 1; 2 and 3 were never tried out of order. The waits
        // are read from the first try, not from the environment's start: on a loaded machine the skipping clock may
        // already be a second on when the first workflow task runs
        assertThat(fake.waitsBetweenCallsTo(1)).startsWith(10L, 20L, 40L, 80L);
        assertThat(fake.orderOfIds()).containsExactly(1L);
        assertThat(fake.nextAttemptAt.get(1L)).isNotNull();

        fake.status = 204; // the endpoint is mended: the next retry delivers 1, then 2 and 3 follow at once
        env.sleep(Duration.ofMinutes(10));
        assertThat(fake.outbox).containsExactlyEntriesOf(new TreeMap<>(Map.of(1L, "DELIVERED", 2L, "DELIVERED",
                3L, "DELIVERED")));
        assertThat(fake.orderOfIds()).containsExactly(1L, 2L, 3L);
        assertThat(fake.secondsOfCallsTo(2)).hasSize(1);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.webhookEndpoint(ENDPOINT),
                "webhook-endpoint.json");
    }

    @Test
    void anEventThatKeepsFailingIsGivenUpAfter24HoursAndTheNextOneGoes() {
        fake.queue(1);
        fake.queue(2);
        startWorkflow();
        env.sleep(Duration.ofHours(23));
        assertThat(fake.outbox.get(1L)).isEqualTo("PENDING");
        assertThat(fake.orderOfIds()).containsExactly(1L);

        env.sleep(Duration.ofHours(3));
        assertThat(fake.outbox.get(1L)).isEqualTo("FAILED");
        List<Long> tries = fake.secondsOfCallsTo(1);
        // the test server's clock also moves while an activity really runs, so on a loaded machine an attempt may
        // land a second or two after its timer: the bounds allow that, not a missed or extra retry
        assertThat(tries.get(tries.size() - 1)).as("the last attempt is 24 h after the first")
                .isBetween(24 * 3600L, 24 * 3600L + 5);
        // waits doubled up to the 2 h cap between attempts
        assertThat(tries.get(tries.size() - 2) - tries.get(tries.size() - 3)).isBetween(7200L, 7205L);
        assertThat(tries).hasSize(22);
        assertThat(fake.orderOfIds()).containsExactly(1L, 2L);
    }

    @Test
    void anIdleEndpointPicksUpNewEventsWithinAMinuteOrAtOnceWhenWokenAndEndsWhenDeleted() {
        fake.status = 200;
        WebhookEndpointWorkflow workflow = startWorkflow();
        env.sleep(Duration.ofSeconds(90));
        fake.queue(7); // written by the worker: found by the next poll
        env.sleep(Duration.ofSeconds(40));
        assertThat(fake.secondsOfCallsTo(7)).singleElement().satisfies(s -> assertThat(s).isBetween(90L, 150L));

        env.sleep(Duration.ofSeconds(10));
        fake.queue(8); // a replay from the api, which wakes the workflow
        workflow.wake();
        env.sleep(Duration.ofSeconds(1));
        assertThat(fake.secondsOfCallsTo(8)).hasSize(1);

        fake.deleted = true;
        workflow.wake();
        env.sleep(Duration.ofSeconds(5));
        assertThat(env.getWorkflowClient().fetchHistory(WorkflowIds.webhookEndpoint(ENDPOINT)).getLastEvent()
                .hasWorkflowExecutionCompletedEventAttributes()).isTrue();
    }

    @Test
    void anIdlePollAskedForByTheWorkerReplacesTheMinute() {
        fake.status = 200;
        fake.idlePoll = Duration.ofSeconds(5);
        startWorkflow();
        env.sleep(Duration.ofSeconds(12));
        fake.queue(9); // written by the worker between two polls 5 s apart
        // with the default minute the next poll would be at 60 s; a loaded machine stretches workflow time a little
        // while activities run, so the window is wider than 5 s but ends well before that minute
        env.sleep(Duration.ofSeconds(30));
        assertThat(fake.secondsOfCallsTo(9)).as("found by a 5 s poll, not a minute later").singleElement()
                .satisfies(s -> assertThat(s).isBetween(12L, 42L));
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.webhookEndpoint(ENDPOINT),
                "webhook-endpoint-idle-poll.json");
    }
}
