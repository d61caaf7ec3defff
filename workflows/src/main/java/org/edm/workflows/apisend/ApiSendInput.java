package org.edm.workflows.apisend;

/**
 * {@code batchSize}: messages per send round; {@code sweepSeconds}: how long an idle dispatcher waits for a
 * {@code messagesQueued} signal before looking at the queue anyway (so a message whose signal was lost, e.g. because
 * Temporal was unreachable when the api accepted it, still leaves within that time).
 */
public record ApiSendInput(int batchSize, int sweepSeconds) {

    public static final int DEFAULT_BATCH_SIZE = 200;
    public static final int DEFAULT_SWEEP_SECONDS = 5;

    public static ApiSendInput defaults() {
        return new ApiSendInput(DEFAULT_BATCH_SIZE, DEFAULT_SWEEP_SECONDS);
    }
}
