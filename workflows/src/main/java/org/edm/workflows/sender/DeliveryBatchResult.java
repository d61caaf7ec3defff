package org.edm.workflows.sender;

/**
 * Outcome of one batch. {@code taskDrained}: the task had no pending delivery left for this service.
 * {@code quotaExhausted}: the service's daily quota is used up until {@code quotaResetsAtEpochMillis}.
 * {@code serviceUnusable}: the service is disabled, frozen or gone.
 */
public record DeliveryBatchResult(int claimed, int sent, int failed, int unknown, boolean taskDrained,
                                  boolean quotaExhausted, long quotaResetsAtEpochMillis, boolean serviceUnusable) {
}
