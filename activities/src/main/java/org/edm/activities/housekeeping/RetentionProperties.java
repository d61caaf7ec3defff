package org.edm.activities.housekeeping;

import org.edm.workflows.housekeeping.HousekeepingInput;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * What is kept how long ({@code edm.retention.*}); the {@code housekeeping} workflow sweeps every interval.
 *
 * @param enabled           off: nothing is ever removed (and the workflow is not started)
 * @param intervalSeconds   how often the sweep runs
 * @param webhookDeliveries a delivered or failed outgoing webhook event (the endpoint's delivery log)
 * @param messageContent    the HTML and text body and the headers of a finished API message (sent, failed, unknown);
 *                          the row, its status and events stay
 * @param expiredSignIns    a sign-in token after it expired, and a failed sign-in after it happened
 * @param batchSize         rows per statement, so no sweep holds a long lock on a busy table
 * @param maxBatches        statements per kind and sweep; what is left goes in the next sweep
 */
@ConfigurationProperties("edm.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled,
                                  @DefaultValue("" + HousekeepingInput.DEFAULT_INTERVAL_SECONDS) int intervalSeconds,
                                  @DefaultValue("30d") Duration webhookDeliveries,
                                  @DefaultValue("30d") Duration messageContent,
                                  @DefaultValue("30d") Duration expiredSignIns,
                                  @DefaultValue("5000") int batchSize,
                                  @DefaultValue("100") int maxBatches) {

    public RetentionProperties {
        if (intervalSeconds < 1 || batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("edm.retention.interval-seconds, batch-size and max-batches must be "
                    + "at least 1");
        }
        for (Duration kept : new Duration[]{webhookDeliveries, messageContent, expiredSignIns}) {
            if (kept.isNegative() || kept.isZero()) {
                throw new IllegalArgumentException("edm.retention durations must be positive");
            }
        }
    }
}
