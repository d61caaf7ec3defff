package org.edm.workflows.testing;

import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.edm.workflows.EdmSearchAttributes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** A time-skipping Temporal test environment with the project's search attributes registered. */
public final class WorkflowTestEnvironments {

    /** Monday 2026-01-05 00:00 UTC: a fixed start so stored histories and assertions are stable. */
    public static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    private WorkflowTestEnvironments() {
    }

    public static TestWorkflowEnvironment newEnvironment() {
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setInitialTime(START).build());
        removeTimeLocksFromTheTail(env);
        EdmSearchAttributes.ALL.forEach(key ->
                env.registerSearchAttribute(key.getName(), key.getValueType()));
        return env;
    }

    /**
     * Works around a quadratic cost in the Java test server (1.38): its time-skipping timer keeps lock and unlock
     * events in a LinkedList "for debugging", never drops the unpaired ones that every activity and workflow task
     * adds, and releases each timer's lock with {@code LinkedList.remove(Object)}, a scan from the oldest event.
     * A test with tens of thousands of timers and activities (a task paused for 120 days) spent 50 of its 54 seconds
     * in that scan. The event being released is among the newest, so scanning from the tail finds it at once; the
     * events are compared by identity, so which occurrence is removed cannot differ. Best effort: if the server's
     * internals change, nothing is replaced and the tests only run slower.
     */
    private static void removeTimeLocksFromTheTail(TestWorkflowEnvironment env) {
        try {
            Object service = field(env, "service");
            Object timer = service == null ? null : field(service, "selfAdvancingTimer");
            if (timer == null || !(field(timer, "lock") instanceof java.util.concurrent.locks.Lock lock)
                    || !(field(timer, "lockEvents") instanceof java.util.LinkedList<?> events)) {
                return;
            }
            lock.lock(); // the timer's own lock guards its event list
            try {
                java.lang.reflect.Field f = timer.getClass().getDeclaredField("lockEvents");
                f.setAccessible(true);
                f.set(timer, new TailFirstRemoval<>(events));
            } finally {
                lock.unlock();
            }
        } catch (ReflectiveOperationException | RuntimeException internalsChanged) {
            // slower, not wrong
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    /** A LinkedList whose {@code remove(Object)} scans from the newest element. */
    static final class TailFirstRemoval<E> extends java.util.LinkedList<E> {
        TailFirstRemoval(java.util.Collection<? extends E> events) {
            super(events);
        }

        @Override
        public boolean remove(Object o) {
            return removeLastOccurrence(o);
        }
    }

    /**
     * Writes the workflow's history into src/test/resources/histories when run with
     * {@code -Dedm.record-histories=true}; the replay tests read those files so a change that breaks running
     * workflows fails the build.
     */
    public static void recordHistory(WorkflowClient client, String workflowId, String fileName) {
        if (!Boolean.getBoolean("edm.record-histories")) {
            return;
        }
        write(client.fetchHistory(workflowId), fileName);
    }

    /** One given run (e.g. of a workflow that continued as new), like {@link #recordHistory(WorkflowClient, String, String)}. */
    public static void recordHistory(String workflowId, io.temporal.api.history.v1.History run, String fileName) {
        if (Boolean.getBoolean("edm.record-histories")) {
            write(new WorkflowExecutionHistory(run, workflowId), fileName);
        }
    }

    private static void write(WorkflowExecutionHistory history, String fileName) {
        try {
            Path dir = Path.of("src/test/resources/histories");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(fileName), history.toJson(true));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every run of a workflow id, oldest first, walking the continue-as-new chain back from the latest run. */
    public static java.util.List<io.temporal.api.history.v1.History> runs(WorkflowClient client, String workflowId) {
        java.util.List<io.temporal.api.history.v1.History> runs = new java.util.ArrayList<>();
        io.temporal.api.history.v1.History history = client.fetchHistory(workflowId).getHistory();
        while (true) {
            runs.add(0, history);
            String previous = history.getEvents(0).getWorkflowExecutionStartedEventAttributes()
                    .getContinuedExecutionRunId();
            if (previous.isEmpty()) {
                return runs;
            }
            history = client.fetchHistory(workflowId, previous).getHistory();
        }
    }
}
