package org.edm.workflows.sender;

/**
 * A service's pacing settings as the workflow needs them. {@code usable} is false when the service is
 * disabled, frozen or gone.
 */
public record ServicePace(long senderServiceId, boolean usable, long throttleMillis, int batchSize) {
}
