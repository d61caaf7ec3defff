package org.edm.activities.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the send path behaves on this worker.
 *
 * @param batchSize       deliveries per batch for a service without throttle
 * @param concurrency     parallel sends (and pooled SMTP connections per service) when there is no throttle
 * @param staleClaimAfter a SENDING delivery untouched this long belongs to a send activity that is gone for good
 *                        (retries exhausted, workflow terminated): it is settled so its task can finish (INV-4)
 */
@ConfigurationProperties("edm.delivery")
public record DeliveryProperties(@DefaultValue("200") int batchSize,
                                 @DefaultValue("8") int concurrency,
                                 @DefaultValue("30m") Duration staleClaimAfter) {

    public static final DeliveryProperties DEFAULTS = new DeliveryProperties(200, 8, Duration.ofMinutes(30));

    public DeliveryProperties {
        if (batchSize < 1 || concurrency < 1) {
            throw new IllegalArgumentException("edm.delivery.batch-size and edm.delivery.concurrency must be positive");
        }
    }
}
