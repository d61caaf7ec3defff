package org.edm.workflows.sender;

/**
 * A service's pacing settings as the workflow needs them. {@code usable} is false when the service is
 * disabled, frozen or gone; {@code condition} says which (ACTIVE, DISABLED, FROZEN, UNUSABLE) for the Web UI's
 * EdmServiceState, and is null in histories recorded before it existed.
 */
public record ServicePace(long senderServiceId, boolean usable, long throttleMillis, int batchSize,
                          String condition) {
}
