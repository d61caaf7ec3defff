package org.edm.workflows.sender;

/**
 * Claim up to {@code maxDeliveries} pending deliveries of a task for one service and send them, keeping at
 * least {@code throttleMillis} between two sends.
 */
public record DeliveryBatch(long senderServiceId, long taskId, int maxDeliveries, long throttleMillis) {
}
