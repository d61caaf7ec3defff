package org.edm.workflows.apisend;

/**
 * What one send round did: messages claimed and their outcomes; {@code moreDue} when queued messages that are due
 * were left for the next round (the workflow then goes on at once instead of waiting).
 */
public record ApiSendRound(int claimed, int sent, int failed, int unknown, int requeued, boolean moreDue) {
}
