package org.edm.workflows.sender;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** In-memory sending: pending deliveries per task, an optional daily quota, and a record of each batch. */
class FakeDeliveryActivities implements DeliveryActivities {

    record Batch(long taskId, int sent, long atMillis) {
    }

    private final LongSupplier clock;
    private final long throttleMillis;
    private final int batchSize;
    final Map<Long, Integer> pending = new ConcurrentHashMap<>();
    final List<Batch> batches = Collections.synchronizedList(new ArrayList<>());
    volatile int quotaLeft = Integer.MAX_VALUE;
    volatile long quotaResetsAt;
    volatile int quotaPerDay;
    /** ACTIVE, or why the service cannot send (FROZEN, DISABLED ...). */
    volatile String condition = "ACTIVE";
    /** ServicePace's growing batches: a first size above 0 turns them on. */
    volatile int firstBatchSize;
    volatile long batchTargetMillis;
    /** How long the fake provider takes per delivery (real time, during which the test server's clock runs). */
    volatile long millisPerDelivery;

    FakeDeliveryActivities(LongSupplier clock, long throttleMillis, int batchSize) {
        this.clock = clock;
        this.throttleMillis = throttleMillis;
        this.batchSize = batchSize;
    }

    @Override
    public ServicePace loadServicePace(long senderServiceId) {
        return new ServicePace(senderServiceId, "ACTIVE".equals(condition), throttleMillis, batchSize, condition,
                firstBatchSize, batchTargetMillis);
    }

    @Override
    public synchronized DeliveryBatchResult deliverBatch(DeliveryBatch batch) {
        long now = clock.getAsLong();
        if (quotaResetsAt > 0 && now >= quotaResetsAt) {
            quotaLeft = quotaPerDay;
            quotaResetsAt += 24 * 3_600_000L;
        }
        if (quotaLeft == 0) {
            return new DeliveryBatchResult(0, 0, 0, 0, false, true, quotaResetsAt, false);
        }
        int left = pending.getOrDefault(batch.taskId(), 0);
        int n = Math.min(Math.min(left, batch.maxDeliveries()), quotaLeft);
        pending.put(batch.taskId(), left - n);
        quotaLeft -= n;
        if (n > 0) {
            batches.add(new Batch(batch.taskId(), n, now));
        }
        if (millisPerDelivery > 0) {
            try {
                Thread.sleep(n * millisPerDelivery);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new DeliveryBatchResult(n, n, 0, 0, left - n == 0, false, 0, false);
    }
}
