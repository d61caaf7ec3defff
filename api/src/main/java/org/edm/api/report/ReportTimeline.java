package org.edm.api.report;

import java.time.Instant;
import java.util.List;

/**
 * A report over time: per bucket, how many deliveries (and, for a campaign, API messages) were first sent, hard
 * bounced, opened, clicked, replied to and unsubscribed in it. Each recipient counts once per kind, in the bucket of
 * its first such event, so a column's sum equals the report's total of the same name. Buckets are contiguous
 * (empty ones are zeros) from the first event's bucket to the last's; {@code start} is the instant the bucket starts
 * (midnight or the full hour in {@code time_zone}), written in UTC like every instant of the api.
 */
record ReportTimeline(String bucket, String timeZone, List<Point> points) {

    record Point(Instant start, long sent, long bounced, long opened, long clicked, long replied,
                 long unsubscribed) {
    }
}
