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
        EdmSearchAttributes.ALL.forEach(key ->
                env.registerSearchAttribute(key.getName(), key.getValueType()));
        return env;
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
        WorkflowExecutionHistory history = client.fetchHistory(workflowId);
        try {
            Path dir = Path.of("src/test/resources/histories");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(fileName), history.toJson(true));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
