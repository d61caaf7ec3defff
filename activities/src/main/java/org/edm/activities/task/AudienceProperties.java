package org.edm.activities.task;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a task's audience is materialised on this worker.
 *
 * @param parallelism          how many contact-id ranges are inserted at once, each on its own database connection;
 *                             about the number of cores PostgreSQL may spend on one task start (1: one range after
 *                             the other)
 * @param rangesPerConnection  how finely the contact ids are cut: each range is about
 *                             {@code 1 / (parallelism × rangesPerConnection)} of the ids still left (1,024 to 65,536
 *                             ids, see {@link TaskActivitiesImpl.RangeCutter}), so the first ranges are large and the
 *                             last ones small and the connections finish together
 */
@ConfigurationProperties("edm.audience")
public record AudienceProperties(@DefaultValue("2") int parallelism, @DefaultValue("2") int rangesPerConnection) {

    public static final AudienceProperties DEFAULTS = new AudienceProperties(2, 2);

    public AudienceProperties {
        if (parallelism < 1) {
            throw new IllegalArgumentException("edm.audience.parallelism must be positive");
        }
        if (rangesPerConnection < 1) {
            throw new IllegalArgumentException("edm.audience.ranges-per-connection must be positive");
        }
    }
}
