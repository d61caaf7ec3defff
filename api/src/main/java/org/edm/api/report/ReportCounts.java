package org.edm.api.report;

import jakarta.annotation.Nullable;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Engagement of a set of deliveries, each counted once per delivery: {@code opened} counts deliveries with a
 * person's open or any click (a click is an open whose pixel was blocked; machine opens never count),
 * {@code opens} every open hit including repeats and {@code machine_opens} those by privacy proxies and scanners.
 * {@code bounced} counts hard bounces only (a soft one is a delay); {@code delivered} is sent minus bounced (SMTP gives no delivery receipt; providers' delivered events only
 * confirm it). Rates: delivered and bounced per sent, the others per delivered; 0 when nothing was sent.
 */
record ReportCounts(long audience, long sent, long failed, long delivered, long bounced, long opened, long clicked,
                    long replied, long unsubscribed, long opens, long machineOpens, Rates rates) {

    record Rates(@Nullable BigDecimal delivered, @Nullable BigDecimal bounced, @Nullable BigDecimal opened,
                 @Nullable BigDecimal clicked,
                 @Nullable BigDecimal replied, @Nullable BigDecimal unsubscribed) {
    }

    static ReportCounts of(long audience, long sent, long failed, long bounced, long opened, long clicked,
                           long replied, long unsubscribed, long opens, long machineOpens) {
        long delivered = Math.max(0, sent - bounced);
        return new ReportCounts(audience, sent, failed, delivered, bounced, opened, clicked, replied, unsubscribed,
                opens, machineOpens, new Rates(rate(delivered, sent), rate(bounced, sent), rate(opened, delivered),
                rate(clicked, delivered), rate(replied, delivered), rate(unsubscribed, delivered)));
    }

    /** Two disjoint sets of sends counted together (a campaign's deliveries and its API messages). */
    ReportCounts plus(ReportCounts o) {
        return of(audience + o.audience, sent + o.sent, failed + o.failed, bounced + o.bounced, opened + o.opened,
                clicked + o.clicked, replied + o.replied, unsubscribed + o.unsubscribed, opens + o.opens,
                machineOpens + o.machineOpens);
    }

    private static BigDecimal rate(long part, long whole) {
        return whole == 0 ? BigDecimal.ZERO.setScale(4)
                : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
    }
}
