package org.edm.workflows.sender;

/**
 * A service's pacing settings as the workflow needs them. {@code usable} is false when the service is
 * disabled, frozen or gone; {@code condition} says which (ACTIVE, DISABLED, FROZEN, UNUSABLE) for the Web UI's
 * EdmServiceState, and is null in histories recorded before it existed.
 *
 * <p>Unthrottled batches grow: a task's first batch has {@code firstBatchSize} deliveries (its first mail comes
 * soon), each later one is sized to last about {@code batchTargetMillis} at the pace the previous one went, at most
 * four times the previous and never more than {@code batchSize} (each batch costs an activity, a workflow task and
 * the claim's fixed statements whatever its size). {@code firstBatchSize} is 0 for a throttled service (its paced
 * batches keep {@code batchSize}, INV-2) and in histories recorded before batches grew: every batch then has
 * {@code batchSize} deliveries, as those histories did.
 */
public record ServicePace(long senderServiceId, boolean usable, long throttleMillis, int batchSize,
                          String condition, int firstBatchSize, long batchTargetMillis) {

    /** Batches of one size: a throttled service, or a pace recorded before batches grew. */
    public ServicePace(long senderServiceId, boolean usable, long throttleMillis, int batchSize, String condition) {
        this(senderServiceId, usable, throttleMillis, batchSize, condition, 0, 0);
    }

    boolean batchesGrow() {
        return firstBatchSize > 0 && throttleMillis == 0;
    }

    /** A task's first batch. */
    int firstBatch() {
        return batchesGrow() ? Math.min(firstBatchSize, batchSize) : batchSize;
    }

    /**
     * The batch after one of {@code size} that claimed {@code claimed} deliveries and took {@code elapsedMillis}
     * (workflow clock, from scheduling the activity to its result). A batch cut short by the task's end or the
     * quota's ({@code cutShort}) says nothing about the pace: the size stays.
     */
    int nextBatch(int size, int claimed, long elapsedMillis, boolean cutShort) {
        if (!batchesGrow()) {
            return batchSize;
        }
        if (cutShort || claimed == 0) {
            return size;
        }
        long fitting = claimed * Math.max(1, batchTargetMillis) / Math.max(1, elapsedMillis);
        long next = Math.min(Math.min(4L * size, batchSize), fitting);
        return (int) Math.max(firstBatch(), next);
    }
}
