package org.edm.activities.task;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a task's audience is materialised on this worker.
 *
 * @param parallelism how many contact-id ranges are inserted at once, each on its own database connection; about the
 *                    number of cores PostgreSQL may spend on one task start (1: one range after the other)
 */
@ConfigurationProperties("edm.audience")
public record AudienceProperties(@DefaultValue("2") int parallelism) {

    public static final AudienceProperties DEFAULTS = new AudienceProperties(2);

    public AudienceProperties {
        if (parallelism < 1) {
            throw new IllegalArgumentException("edm.audience.parallelism must be positive");
        }
    }
}
