package org.edm.activities.task;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a task's audience is materialised on this worker.
 *
 * @param parallelism          how many contact-id ranges are inserted at once, each on its own database connection;
 *                             about the number of cores PostgreSQL may spend on one task start (1: one range after
 *                             the other)
 * @param rangesPerConnection  how many ranges per connection the contact ids are cut into (after a first one of 1,024
 *                             ids, ranges of 8,192 to 65,536 ids, see {@link TaskActivitiesImpl#rangeIds}): more let
 *                             the connections finish closer together; 1 gives about the one-size ranges of before (two
 *                             of 65,536 ids at 100,000)
 */
@ConfigurationProperties("edm.audience")
public record AudienceProperties(@DefaultValue("2") int parallelism, @DefaultValue("4") int rangesPerConnection) {

    public static final AudienceProperties DEFAULTS = new AudienceProperties(2, 4);

    public AudienceProperties {
        if (parallelism < 1) {
            throw new IllegalArgumentException("edm.audience.parallelism must be positive");
        }
        if (rangesPerConnection < 1) {
            throw new IllegalArgumentException("edm.audience.ranges-per-connection must be positive");
        }
    }
}
